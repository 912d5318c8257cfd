package dev.b24kit

/** The renamed portal's new address, `https://<new portal>/`: put it in the webhook URL or OAuth endpoint. */
val B24kitException.PortalMoved.location: String get() = info.description ?: ""
