//! TLS for a client's connections: rustls with the ring crypto provider, the platform's trust
//! store plus the user's roots, and HTTP/2 or HTTP/1.1 offered through ALPN.
//!
//! Why ring: aws-lc, reqwest's default, weighs more than a megabyte in every shipped library,
//! and the wheel, the Node addon and the Kotlin/Swift library each have a size budget. Why the
//! configuration is built here rather than by reqwest: with no provider compiled into reqwest,
//! it would need a process-wide default provider, and a library must not install one in its
//! host application (the host's own `install_default` would then fail).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::error::ConfigProblem;

/// The certificates in a PEM text (a bundle may hold several); none is an error.
pub(crate) fn roots_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, ConfigProblem> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigProblem::InvalidCertificate {
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(ConfigProblem::InvalidCertificate {
            reason: "no PEM certificate found".to_string(),
        });
    }
    Ok(certs)
}

/// The configuration every connection of one client shares.
pub(crate) fn client_config(
    user_roots: Vec<CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, ConfigProblem> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let problem = |e: rustls::Error| ConfigProblem::HttpClient {
        reason: e.to_string(),
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(problem)?;
    let mut config = trust(builder, user_roots, provider).map_err(problem)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The system's store (through rustls-platform-verifier) plus the user's roots.
#[cfg(not(target_os = "android"))]
fn trust(
    builder: rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>,
    user_roots: Vec<CertificateDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let verifier = if user_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)?
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(user_roots, provider)?
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// On Android the platform verifier needs a JVM `Context` handed over through JNI before the
/// first handshake (it panics without one), which a library called through JNA cannot do on
/// its own; there Mozilla's roots travel in the library instead, beside the user's.
#[cfg(target_os = "android")]
fn trust(
    builder: rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>,
    user_roots: Vec<CertificateDer<'static>>,
    _provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let mut store = rustls::RootCertStore::empty();
    let bundled = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned();
    let (_, refused) = store.add_parsable_certificates(bundled.chain(user_roots));
    if store.is_empty() {
        return Err(rustls::Error::General(format!(
            "no usable root certificate ({refused} refused)"
        )));
    }
    Ok(builder.with_root_certificates(store).with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_without_a_certificate_is_refused() {
        let problem = roots_from_pem(b"not a certificate").unwrap_err();
        assert!(
            matches!(&problem, ConfigProblem::InvalidCertificate { reason } if reason.contains("no PEM certificate")),
            "{problem:?}"
        );
    }

    #[test]
    fn the_configuration_offers_http2_and_http1() {
        let config = client_config(Vec::new()).expect("the system's store loads");
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }
}
