//! `readEvent`: the body a portal POSTs to an event handler, read by the core into an
//! `EventDelivery` whose `event` is the event enum the generated code defines (it invokes
//! [`incoming_exports!`] with it).

/// Who sent a delivery. Its description shows neither token.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct EventAuth(b24kit::EventAuth);

impl EventAuth {
    pub(crate) fn new(auth: b24kit::EventAuth) -> EventAuth {
        EventAuth(auth)
    }
}

#[uniffi::export]
impl EventAuth {
    /// The portal's address, e.g. `example.bitrix24.com`.
    pub fn domain(&self) -> String {
        self.0.domain.clone()
    }

    /// The portal's stable identifier.
    pub fn member_id(&self) -> String {
        self.0.member_id.clone()
    }

    /// The scope the event belongs to, e.g. `imopenlines`.
    pub fn scope(&self) -> Option<String> {
        self.0.scope.clone()
    }

    /// The application's status: `L` local, `F` free, `D` demo, `T` trial, `P` paid.
    pub fn status(&self) -> Option<String> {
        self.0.status.clone()
    }

    /// The portal's REST base, `https://<portal>/rest/`.
    pub fn client_endpoint(&self) -> Option<String> {
        self.0.client_endpoint.clone()
    }

    /// The OAuth server that renews the tokens.
    pub fn server_endpoint(&self) -> Option<String> {
        self.0.server_endpoint.clone()
    }

    /// The user's access token; absent when no user caused the event.
    pub fn access_token(&self) -> Option<String> {
        self.0.access_token.clone()
    }

    /// The user's refresh token, with the access token.
    pub fn refresh_token(&self) -> Option<String> {
        self.0.refresh_token.clone()
    }

    /// Seconds until the access token expires.
    pub fn expires_in(&self) -> Option<i64> {
        self.0.expires_in
    }
}

impl std::fmt::Display for EventAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |token: &Option<String>| if token.is_some() { "***" } else { "none" };
        write!(
            f,
            "EventAuth(domain: {}, memberId: {}, accessToken: {}, refreshToken: {})",
            self.0.domain,
            self.0.member_id,
            hidden(&self.0.access_token),
            hidden(&self.0.refresh_token)
        )
    }
}

/// Declares `EventDelivery` and `readEvent` for the error enum and the event enum the generated
/// code defines; `$convert` turns the core's event into the exported one (`None`: a bug).
macro_rules! incoming_exports {
    ($error:ident, $event:ident, $convert:ident) => {
        /// One POST of a portal to an event handler.
        #[derive(uniffi::Record)]
        pub struct EventDelivery {
            /// The event, with its typed `data`.
            pub event: $event,
            /// The event's identifier in the portal's queue (`eventId`).
            pub event_id: Option<i64>,
            /// Unix time at which the queue sent it (`ts`).
            pub sent_at: Option<i64>,
            /// Who sent it.
            pub auth: std::sync::Arc<$crate::incoming::EventAuth>,
        }

        /// Reads the body a portal POSTs to an event handler
        /// (`application/x-www-form-urlencoded`). The body's `auth[application_token]` must
        /// equal `application_token` (the one the portal gave at installation; compared in
        /// constant time) before the event is read: a forged or foreign delivery is
        /// `EventToken`, a body that is not a delivery `EventForm`, data not as documented
        /// `EventData`.
        #[uniffi::export]
        pub fn read_event(
            body: Vec<u8>,
            application_token: String,
        ) -> Result<EventDelivery, $error> {
            use b24kit::ErrorReport;
            let read = b24kit::panic::catch(|| b24kit::read_event(&body, &application_token))
                .map_err(|panic| $error::from(ErrorReport::internal(&panic)))?;
            let delivery = read.map_err(|e| $error::from(ErrorReport::from(&e)))?;
            let event = $convert(delivery.event).ok_or_else(|| {
                $error::from(ErrorReport::bug(
                    "an event without its Kotlin/Swift form".to_string(),
                ))
            })?;
            Ok(EventDelivery {
                event,
                event_id: delivery.event_id,
                sent_at: delivery.sent_at,
                auth: std::sync::Arc::new($crate::incoming::EventAuth::new(delivery.auth)),
            })
        }
    };
}
pub(crate) use incoming_exports;
