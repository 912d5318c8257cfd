//! The portal's data: credentials, chats and who may access them. Loadable from a JSON file; the
//! default state is the one documented in the README and printed at start-up.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Everything the emulated portal knows. Serialized form = the `--state` file format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalState {
    /// Inbound webhooks: `/rest/<user_id>/<key>/…`.
    pub webhooks: Vec<Webhook>,
    /// OAuth access tokens, sent as `auth` (or `access_token`, or `Authorization: Bearer`).
    pub tokens: Vec<Token>,
    /// The portal's chats, open lines and others.
    pub chats: Vec<Chat>,
    /// OAuth applications that may renew tokens at `/oauth/token/`.
    #[serde(default)]
    pub apps: Vec<App>,
    /// How many CRM contacts the portal has: IDs 1 to this, each made from its ID
    /// (`crm.contact.list`, `crm.contact.get`).
    #[serde(default = "default_contacts")]
    pub contacts: u64,
    /// The portal's time zone as an offset from UTC in minutes (60 for `+01:00`): the `time`
    /// object's `date_start` and `date_finish` are written in it, as PHP's `date('c')` does.
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// Handlers bound with `event.bind`: the portal POSTs each event it raises to those bound
    /// to it.
    #[serde(default)]
    pub event_handlers: Vec<EventHandler>,
    /// The token the portal gave the application at installation; every delivery carries it
    /// as `auth[application_token]`.
    #[serde(default = "default_application_token")]
    pub application_token: String,
    /// Chat bots applications registered (`imbot.register`); a bot holds a dialog when it is
    /// the chat's `operator`.
    #[serde(default)]
    pub bots: Vec<Bot>,
    /// The portal's open lines (`imopenlines.config.*`).
    #[serde(default = "default_lines")]
    pub lines: Vec<Line>,
    /// Open lines other portals publish in Bitrix24.Network, which `imopenlines.network.join`
    /// connects by their code.
    #[serde(default = "default_network_lines")]
    pub network_lines: Vec<NetworkLine>,
    /// Events the last call raised, for the server to deliver; not part of the saved state.
    #[serde(skip)]
    pub raised: Vec<RaisedEvent>,
}

/// The portal's address in what it sends about itself (event deliveries, `config.path.get`).
pub const PORTAL_DOMAIN: &str = "emulator.b24kit.test";
/// The portal's stable identifier (`member_id`).
pub const PORTAL_MEMBER_ID: &str = "b24kitemulator0000000000000000000";

/// The application token of the default state.
pub const DEFAULT_APPLICATION_TOKEN: &str = "emulator0application0token";

fn default_application_token() -> String {
    DEFAULT_APPLICATION_TOKEN.to_string()
}

/// A chat bot an application registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bot {
    /// The bot's user id.
    pub id: i64,
    /// The `CLIENT_ID` it was registered with, which webhook callers name it by.
    pub client_id: String,
    /// The application that registered it (its `client_id`), whose tokens find it.
    pub app: Option<String>,
}

/// The default state's chat bot, registered by [`DEMO_CLIENT_ID`]; it holds chat 2047.
pub const DEMO_BOT_ID: i64 = 1291;
/// The `CLIENT_ID` of [`DEMO_BOT_ID`].
pub const DEMO_BOT_CLIENT_ID: &str = "emulatorbotclient1";

/// An open line: its settings and its operator queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The line's identifier (`CONFIG_ID`), the number in its chats' `livechat|<line>|…` codes.
    pub id: i64,
    /// Every setting by name (`LINE_NAME`, `ACTIVE`, `QUEUE_TYPE`, …) as the portal keeps it:
    /// texts, `Y`/`N` flags, numbers as digits.
    pub settings: serde_json::Map<String, serde_json::Value>,
    /// The operators of the queue, in order.
    pub queue: Vec<i64>,
}

impl Line {
    /// A line with the settings of a new one, under this name.
    pub fn new(id: i64, name: &str) -> Line {
        let mut settings = Line::new_settings().clone();
        settings.insert("LINE_NAME".to_string(), name.into());
        Line {
            id,
            settings,
            queue: Vec::new(),
        }
    }

    /// The settings of a new line, as `imopenlines.config.get` shows them: every setting a
    /// line has, read once from `new_line_settings.json`.
    pub fn new_settings() -> &'static serde_json::Map<String, serde_json::Value> {
        static SETTINGS: std::sync::LazyLock<serde_json::Map<String, serde_json::Value>> =
            std::sync::LazyLock::new(|| {
                match serde_json::from_str(include_str!("new_line_settings.json")) {
                    Ok(serde_json::Value::Object(settings)) => settings,
                    _ => serde_json::Map::new(),
                }
            });
        &SETTINGS
    }
}

fn default_lines() -> Vec<Line> {
    // Line 1 is the line of the default chats (`livechat|1|…`); line 2 is switched off.
    let mut support = Line::new(1, "Support");
    support.queue = vec![1, 2];
    let mut sales = Line::new(2, "Sales");
    sales.settings.insert("ACTIVE".to_string(), "N".into());
    sales.queue = vec![3];
    vec![support, sales]
}

/// An open line another portal publishes in Bitrix24.Network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkLine {
    /// The line's public code, 32 characters.
    pub code: String,
    /// Whether its owner keeps it open; an inactive line cannot be connected.
    pub active: bool,
    /// The network bot that speaks for the line on this portal once connected.
    pub bot_id: i64,
    /// Whether this portal has connected it.
    #[serde(default)]
    pub joined: bool,
    /// The users the line has written to (`imopenlines.network.message.add`), each at most once
    /// a week: the emulator's clock never moves a week on, so once.
    #[serde(default)]
    pub messaged: Vec<i64>,
}

/// The docs' example code of a network line, which the default state publishes with the
/// example's bot, 603; it has written to user 5 this week.
pub const DEMO_NETWORK_LINE_CODE: &str = "ab515f5d85a8b844d484f6ea75a2e494";
/// A network line of the default state whose owner switched it off.
pub const INACTIVE_NETWORK_LINE_CODE: &str = "b24kitemulatorinactiveline000000";

fn default_network_lines() -> Vec<NetworkLine> {
    vec![
        NetworkLine {
            code: DEMO_NETWORK_LINE_CODE.to_string(),
            active: true,
            bot_id: 603,
            joined: false,
            // It wrote to user 5 this week, so it may not again.
            messaged: vec![5],
        },
        NetworkLine {
            code: INACTIVE_NETWORK_LINE_CODE.to_string(),
            active: false,
            bot_id: 604,
            joined: false,
            messaged: Vec::new(),
        },
    ]
}

/// One `event.bind`: the event's code in capitals and the URL the portal POSTs it to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventHandler {
    /// The event's code in capitals, e.g. `ONSESSIONFINISH`.
    pub event: String,
    /// The URL the portal POSTs the event to.
    pub handler: String,
}

/// An event a method raised: its code (`ONSESSIONFINISH`) and the delivery's `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct RaisedEvent {
    /// The event's code in capitals.
    pub code: &'static str,
    /// The delivery's `data`, as the event's page documents it.
    pub data: serde_json::Value,
}

/// Enough contacts for list paging to take many pages and many `batch` requests.
pub const DEFAULT_CONTACTS: u64 = 10_000;

fn default_contacts() -> u64 {
    DEFAULT_CONTACTS
}

/// An OAuth application: what `/oauth/token/` checks before renewing a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    /// The application's `client_id`.
    pub client_id: String,
    /// The application's `client_secret`, which a renewal must present.
    pub client_secret: String,
}

/// An inbound webhook: calls as `user_id` with the rights of `scopes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// The user the webhook calls as (the path's first segment).
    pub user_id: i64,
    /// The secret key (the path's second segment).
    pub key: String,
    /// Scopes its calls may use (`imopenlines`, `crm`, …).
    pub scopes: Vec<String>,
}

/// An OAuth access token the portal knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Token {
    /// The token as clients send it.
    pub access_token: String,
    /// 0 stands for "no user": the method then fails with `USER_ID`.
    pub user_id: i64,
    /// Scopes its calls may use.
    pub scopes: Vec<String>,
    /// Expired tokens are refused with `expired_token`, as an hour after issue.
    #[serde(default)]
    pub expired: bool,
    /// Renews this token once at `/oauth/token/` (the pair is then replaced by a new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The application the token was issued to (`client_id`); the refresh must come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// A chat of the portal: an open-line dialog or any other chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    /// The chat's id (`CHAT_ID`).
    pub id: i64,
    /// `LINES` for open-line chats; anything else (`CHAT`, …) is not an open line.
    pub entity_type: String,
    /// The chat's name, as `dialog.get` reports it.
    #[serde(default)]
    pub title: String,
    /// Users in the chat.
    #[serde(default)]
    pub members: Vec<i64>,
    /// Users who are not members but whose open-line settings let them join.
    #[serde(default)]
    pub can_join: Vec<i64>,
    /// Silent mode (`ENTITY_DATA_3` = `Y` on a portal).
    #[serde(default)]
    pub silent: bool,
    /// Pinned to its operator (`imopenlines.session.mode.pin`).
    #[serde(default)]
    pub pinned: bool,
    /// The open-line session of the dialog; 0 for none.
    #[serde(default)]
    pub session_id: i64,
    /// The open-line user code (`USER_CODE`, the chat's `entity_id`), e.g. `livechat|1|1373|211`.
    #[serde(default)]
    pub entity_id: String,
    /// System messages posted into the chat, e.g. when silent mode changes.
    #[serde(default)]
    pub system_messages: Vec<String>,
    /// Messages users and bots posted through REST (`imopenlines.crm.message.add`), after the
    /// system messages: `(author, text)`.
    #[serde(default)]
    pub posted: Vec<(i64, String)>,
    /// Messages saved as the line's quick answers (`imopenlines.message.quick.save`), by id.
    #[serde(default)]
    pub quick_answers: Vec<i64>,
    /// Members who turned the chat's notifications off (`mute_list`).
    #[serde(default)]
    pub muted: Vec<i64>,
    /// Where the open-line session stands (`imopenlines.operator.*` move it).
    #[serde(default)]
    pub status: SessionStatus,
    /// The operator who holds the session; 0 while it waits in the line's queue.
    #[serde(default)]
    pub operator: i64,
    /// The CRM lead the dialog is bound to (`imopenlines.crm.lead.create`); 0 for none.
    #[serde(default)]
    pub lead_id: i64,
    /// A supervisor's rating of the session, 0 for none (`imopenlines.session.head.vote`).
    #[serde(default)]
    pub vote_head: i64,
    /// The supervisor's comment on the rating.
    #[serde(default)]
    pub comment_head: Option<String>,
}

impl Chat {
    /// Whether `user` may open the chat: a member, or one whose open-line settings let them join.
    pub fn may_open(&self, user: i64) -> bool {
        self.members.contains(&user) || self.can_join.contains(&user)
    }
}

/// The default portal's employees (active users who can take dialogs); any other user id is
/// inactive or does not exist.
pub const EMPLOYEES: std::ops::RangeInclusive<i64> = 1..=9;

/// Where an open-line session stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// In the line's queue, no operator has taken it.
    #[default]
    Waiting,
    /// An operator took it (`operator.answer`).
    Answered,
    /// Closed by its operator or another (`operator.finish`, `operator.another.finish`).
    Closed,
    /// Closed as spam (`operator.spam`).
    Spam,
}

/// The user the default state's webhooks and tokens call as.
pub const DEMO_WEBHOOK_USER: i64 = 1;
/// The key of the default state's webhook with every scope.
pub const DEMO_WEBHOOK_KEY: &str = "emulatorwebhook1";
/// The default state's valid OAuth access token.
pub const DEMO_ACCESS_TOKEN: &str = "emulator-access-token";
/// The refresh token of [`DEMO_ACCESS_TOKEN`], good for one renewal.
pub const DEMO_REFRESH_TOKEN: &str = "emulator-refresh-token";
/// The default state's OAuth application.
pub const DEMO_CLIENT_ID: &str = "local.emulator.app";
/// The secret of [`DEMO_CLIENT_ID`].
pub const DEMO_CLIENT_SECRET: &str = "emulator-client-secret";

impl Default for PortalState {
    /// The default portal: the docs' example chat 2043 and one chat for each access outcome.
    fn default() -> PortalState {
        let scopes = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let chat =
            |id: i64, entity_type: &str, title: &str, members: Vec<i64>, can_join: Vec<i64>| {
                let lines = entity_type == "LINES";
                Chat {
                    id,
                    entity_type: entity_type.to_string(),
                    title: title.to_string(),
                    can_join,
                    silent: false,
                    pinned: false,
                    // The docs' examples: session 1743 and user code livechat|1|1373|211 for chat 2043.
                    session_id: if lines { id - 300 } else { 0 },
                    entity_id: if lines {
                        format!("livechat|1|{}|{}", id - 670, id - 1832)
                    } else {
                        String::new()
                    },
                    system_messages: Vec::new(),
                    posted: Vec::new(),
                    quick_answers: Vec::new(),
                    // The example chat's operator has muted it, so `mute_list` shows its items.
                    muted: if id == 2043 {
                        members.clone()
                    } else {
                        Vec::new()
                    },
                    // Chat 2046's session is held by its operator, user 2, whom user 1 (who may
                    // join) can intercept; chat 2047's by the chat bot.
                    status: if id == 2046 || id == 2047 {
                        SessionStatus::Answered
                    } else {
                        SessionStatus::Waiting
                    },
                    operator: match id {
                        2046 => 2,
                        2047 => DEMO_BOT_ID,
                        _ => 0,
                    },
                    // Chat 2045 is bound to the docs' example lead, 1205.
                    lead_id: if id == 2045 { 1205 } else { 0 },
                    vote_head: 0,
                    comment_head: None,
                    members,
                }
            };
        PortalState {
            webhooks: vec![
                Webhook {
                    user_id: DEMO_WEBHOOK_USER,
                    key: DEMO_WEBHOOK_KEY.to_string(),
                    scopes: scopes(&["imopenlines", "im", "crm"]),
                },
                Webhook {
                    user_id: DEMO_WEBHOOK_USER,
                    key: "emulatorcrmonly1".to_string(),
                    scopes: scopes(&["crm"]),
                },
            ],
            tokens: vec![
                Token {
                    access_token: DEMO_ACCESS_TOKEN.to_string(),
                    user_id: 1,
                    scopes: scopes(&["imopenlines", "im"]),
                    expired: false,
                    refresh_token: Some(DEMO_REFRESH_TOKEN.to_string()),
                    client_id: Some(DEMO_CLIENT_ID.to_string()),
                },
                Token {
                    access_token: "emulator-expired-token".to_string(),
                    user_id: 1,
                    scopes: scopes(&["imopenlines", "im"]),
                    expired: true,
                    refresh_token: None,
                    client_id: None,
                },
                Token {
                    access_token: "emulator-userless-token".to_string(),
                    user_id: 0,
                    scopes: scopes(&["imopenlines", "im"]),
                    expired: false,
                    refresh_token: None,
                    client_id: None,
                },
            ],
            chats: vec![
                chat(
                    2043,
                    "LINES",
                    "Open line dialog (docs example)",
                    vec![1],
                    vec![],
                ),
                chat(
                    2044,
                    "CHAT",
                    "Group chat, not an open line",
                    vec![1],
                    vec![],
                ),
                chat(
                    2045,
                    "LINES",
                    "Open line dialog user 1 may not access",
                    vec![2],
                    vec![2],
                ),
                chat(
                    2046,
                    "LINES",
                    "Open line dialog user 1 may join",
                    vec![2],
                    vec![1, 2],
                ),
                chat(
                    2047,
                    "LINES",
                    "Open line dialog a chat bot answers",
                    vec![DEMO_BOT_ID],
                    vec![],
                ),
            ],
            apps: vec![App {
                client_id: DEMO_CLIENT_ID.to_string(),
                client_secret: DEMO_CLIENT_SECRET.to_string(),
            }],
            contacts: DEFAULT_CONTACTS,
            utc_offset_minutes: 0,
            event_handlers: Vec::new(),
            application_token: default_application_token(),
            bots: vec![Bot {
                id: DEMO_BOT_ID,
                client_id: DEMO_BOT_CLIENT_ID.to_string(),
                app: Some(DEMO_CLIENT_ID.to_string()),
            }],
            lines: default_lines(),
            network_lines: default_network_lines(),
            raised: Vec::new(),
        }
    }
}

impl PortalState {
    /// Parses a state file, naming the problem on failure.
    pub fn from_json(text: &str) -> Result<PortalState, String> {
        let state: PortalState = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut ids = BTreeMap::new();
        for chat in &state.chats {
            if ids.insert(chat.id, ()).is_some() {
                return Err(format!("chat {} is listed twice", chat.id));
            }
        }
        Ok(state)
    }

    /// The chat with this id.
    pub fn chat(&self, id: i64) -> Option<&Chat> {
        self.chats.iter().find(|c| c.id == id)
    }

    /// The open line with this id, to read or change it.
    pub fn line_mut(&mut self, id: i64) -> Option<&mut Line> {
        self.lines.iter_mut().find(|l| l.id == id)
    }

    /// The chat with this id, to change it.
    pub fn chat_mut(&mut self, id: i64) -> Option<&mut Chat> {
        self.chats.iter_mut().find(|c| c.id == id)
    }

    /// One line per chat, for the start-up banner.
    pub fn describe(&self) -> Vec<String> {
        self.chats
            .iter()
            .map(|c| {
                let kind = if c.entity_type == "LINES" { "open line" } else { "not an open line" };
                let title = if c.title.is_empty() { String::new() } else { format!(", {:?}", c.title) };
                let session = if c.session_id > 0 {
                    format!(", session {}, user code {}", c.session_id, c.entity_id)
                } else {
                    String::new()
                };
                format!(
                    "chat {} ({kind}{title}{session}): members {:?}, may join {:?}, silent {}, pinned {}",
                    c.id, c.members, c.can_join, c.silent, c.pinned
                )
            })
            .collect()
    }
}
