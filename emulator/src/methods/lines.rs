//! What the portal says about its open lines as a whole: the API revisions and where the public
//! contact-centre page lives.

use serde_json::{json, Map, Value};

use super::{Caller, MethodFailure};
use crate::state::PortalState;

/// The revisions the docs' example shows, which the emulator's behaviour follows.
pub(crate) fn revision_get(
    _: &mut PortalState,
    _: &Caller,
    _: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    Ok(json!({"rest": 2, "web": 1, "mobile": 1}))
}

/// The emulated portal's address as links to it are written; it serves no public pages.
pub(crate) const SERVER_ADDRESS: &str = "https://emulator.b24kit.test";

pub(crate) fn config_path_get(
    _: &mut PortalState,
    _: &Caller,
    _: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    Ok(json!({"SERVER_ADDRESS": SERVER_ADDRESS, "PUBLIC_PATH": "/contact_center/"}))
}
