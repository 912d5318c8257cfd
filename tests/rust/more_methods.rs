//! The methods added from specs alone (pin, pinAll, unpinAll, dialog.get) against the emulator:
//! each success path with its side effect and each documented error, through the generated API.

use b24kit::prelude::*;
use b24kit::{
    Error, ImopenlinesDialogGetError as DialogError, ImopenlinesDialogGetParams as DialogGet,
    ImopenlinesSessionModePinAllParams as PinAll, ImopenlinesSessionModePinError as PinError,
    ImopenlinesSessionModePinParams as Pin, ImopenlinesSessionModeSilentParams as Silent,
    ImopenlinesSessionModeUnpinAllParams as UnpinAll, MethodError,
};
use b24kit_emulator::Fault;
use b24kit_tests::{emulator, oauth_client, webhook_client};

fn method_error(err: Error) -> MethodError {
    match err {
        Error::Method {
            error, status: 400, ..
        } => error,
        other => panic!("expected a method error, got {other:?}"),
    }
}

#[tokio::test]
async fn pin_defaults_to_pinning_and_unpins_with_false() {
    let emu = emulator();
    let client = webhook_client(&emu);
    assert!(
        client
            .imopenlines_session_mode_pin(Pin::new(2043))
            .await
            .unwrap()
            .result
    );
    assert!(emu.portal().chat(2043).unwrap().pinned);
    assert_eq!(emu.portal().last_call().unwrap().params["ACTIVATE"], "Y");
    client
        .imopenlines_session_mode_pin(Pin::new(2043).activate(false))
        .await
        .unwrap();
    assert!(!emu.portal().chat(2043).unwrap().pinned);
    assert_eq!(emu.portal().last_call().unwrap().params["ACTIVATE"], "N");
}

#[tokio::test]
async fn pin_errors() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let pin = |chat| client.imopenlines_session_mode_pin(Pin::new(chat));
    assert_eq!(
        method_error(pin(999_999).await.unwrap_err()),
        MethodError::ImopenlinesSessionModePin(PinError::ChatId)
    );
    assert_eq!(
        method_error(pin(2044).await.unwrap_err()),
        MethodError::ImopenlinesSessionModePin(PinError::ChatType)
    );
    assert_eq!(
        method_error(pin(2045).await.unwrap_err()),
        MethodError::ImopenlinesSessionModePin(PinError::AccessDenied)
    );
    let userless = oauth_client(&emu, "emulator-userless-token");
    let err = userless
        .imopenlines_session_mode_pin(Pin::new(2043))
        .await
        .unwrap_err();
    assert_eq!(
        method_error(err),
        MethodError::ImopenlinesSessionModePin(PinError::UserId)
    );
    // Not reachable with valid input: the client refuses a chat id of 0 before sending.
    for code in ["CHAT_ID_EMPTY", "ERROR_USER_NOT_OPERATOR"] {
        emu.portal().inject(
            Fault::Error {
                status: 400,
                code: code.into(),
                description: String::new(),
            },
            1,
        );
        let err = method_error(pin(2043).await.unwrap_err());
        assert_eq!(err.code(), code);
        assert_eq!(err.method(), "imopenlines.session.mode.pin");
    }
    assert!(matches!(
        pin(0).await.unwrap_err(),
        Error::InvalidArgument {
            parameter: "CHAT_ID",
            ..
        }
    ));
}

#[tokio::test]
async fn pin_all_and_unpin_all_return_the_sessions_they_changed() {
    let emu = emulator();
    let client = webhook_client(&emu);
    emu.portal().with_state(|s| {
        let chat = s.chat_mut(2046).unwrap();
        chat.members.push(1);
    });
    let pinned = client
        .imopenlines_session_mode_pin_all(PinAll::new())
        .await
        .unwrap()
        .result;
    assert_eq!(pinned, vec![1743, 1746]);
    assert!(emu.portal().chat(2043).unwrap().pinned && emu.portal().chat(2046).unwrap().pinned);
    assert_eq!(
        client
            .imopenlines_session_mode_pin_all(PinAll::default())
            .await
            .unwrap()
            .result,
        Vec::<i64>::new()
    );
    assert_eq!(
        client
            .imopenlines_session_mode_unpin_all(UnpinAll::new())
            .await
            .unwrap()
            .result,
        vec![1743, 1746]
    );
    assert!(!emu.portal().chat(2043).unwrap().pinned);
    assert!(
        emu.portal().last_call().unwrap().params.is_empty(),
        "no parameters are sent"
    );
}

#[tokio::test]
async fn dialog_get_by_each_identifier_shows_silent_mode() {
    let emu = emulator();
    let client = webhook_client(&emu);
    client
        .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
        .await
        .unwrap();
    for params in [
        DialogGet::new().chat_id(2043),
        DialogGet::new().dialog_id("chat2043"),
        DialogGet::new().session_id(1743),
        DialogGet::new().user_code("livechat|1|1373|211"),
    ] {
        let dialog = client
            .imopenlines_dialog_get(params.clone())
            .await
            .unwrap()
            .result;
        assert_eq!(dialog.id, 2043, "{params:?}");
        assert_eq!(dialog.entity_data_3.as_deref(), Some("Y"));
        assert_eq!(dialog.entity_type.as_deref(), Some("LINES"));
        assert_eq!(dialog.r#type.as_deref(), Some("lines"));
        assert_eq!(dialog.dialog_id.as_deref(), Some("chat2043"));
        assert_eq!(dialog.manager_list.as_deref(), Some(&[1][..]));
        assert_eq!(dialog.extranet, Some(false));
    }
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    let dialog = client
        .imopenlines_dialog_get(DialogGet::new().chat_id(2043))
        .await
        .unwrap()
        .result;
    assert_eq!(dialog.entity_data_3.as_deref(), Some(""));
}

#[tokio::test]
async fn dialog_get_errors_and_the_one_of_rule() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let err = client
        .imopenlines_dialog_get(DialogGet::new().chat_id(2045))
        .await
        .unwrap_err();
    assert_eq!(
        method_error(err),
        MethodError::ImopenlinesDialogGet(DialogError::Access)
    );
    let err = client
        .imopenlines_dialog_get(DialogGet::new().dialog_id("chat999999"))
        .await
        .unwrap_err();
    assert_eq!(method_error(err).code(), "ACCESS_ERROR");
    let injected = |code: &str| {
        emu.portal().inject(
            Fault::Error {
                status: 400,
                code: code.into(),
                description: String::new(),
            },
            1,
        )
    };
    injected("IM_NOT_INSTALLED");
    let err = client
        .imopenlines_dialog_get(DialogGet::new().chat_id(2043))
        .await
        .unwrap_err();
    assert_eq!(method_error(err).code(), "IM_NOT_INSTALLED");
    // Removed from the docs (the server answers ACCESS_ERROR instead), so not the method's.
    injected("DIALOG_ID_EMPTY");
    let err = client
        .imopenlines_dialog_get(DialogGet::new().chat_id(2043))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownCode { code, .. } if code == "DIALOG_ID_EMPTY"),
        "{err:?}"
    );
    let none = client
        .imopenlines_dialog_get(DialogGet::new())
        .await
        .unwrap_err();
    assert_eq!(
        none.to_string(),
        "exactly one of CHAT_ID, DIALOG_ID, SESSION_ID, USER_CODE must be given, got none"
    );
    let two = client
        .imopenlines_dialog_get(DialogGet::new().chat_id(1).user_code("x"))
        .await
        .unwrap_err();
    assert!(
        two.to_string().ends_with("got CHAT_ID and USER_CODE"),
        "{two}"
    );
    assert!(matches!(two, Error::InvalidArgument { .. }));
    assert_eq!(
        emu.portal().stats().rest_requests,
        4,
        "invalid calls were not sent"
    );
}

#[tokio::test]
async fn lenient_results_read_numbers_sent_as_strings() {
    let emu = emulator();
    let client = webhook_client(&emu);
    emu.portal().inject(
        Fault::Raw {
            status: 200,
            body: r#"{"result":{"id":"2043","owner":"5","manager_list":{},"extranet":"N","dialog_id":null,"extra":1,
                "counter":"7","restrictions":{"avatar":"Y","send":false,"react":true},
                "readed_list":{"0":{"user_id":"27","date":"2026-03-16T20:50:37+01:00"},"2":{"user_id":599,"date":""}}},
                "time":{"start":1,"finish":1,"duration":0,"processing":0,"date_start":"x","date_finish":"x"}}"#
                .into(),
        },
        1,
    );
    let dialog = client
        .imopenlines_dialog_get(DialogGet::new().chat_id(2043))
        .await
        .unwrap()
        .result;
    assert_eq!(
        (
            dialog.id,
            dialog.owner,
            dialog.manager_list.clone(),
            dialog.extranet,
            dialog.dialog_id.clone()
        ),
        (2043, Some(5), Some(vec![]), Some(false), None)
    );
    // Nested objects are typed and read as leniently, lists sent as PHP objects included.
    assert_eq!(dialog.counter, Some(7));
    let restrictions = dialog.restrictions.clone().unwrap();
    assert_eq!(
        (restrictions.avatar, restrictions.send, restrictions.rename),
        (Some(true), Some(false), None)
    );
    let readings = dialog.readed_list.clone().unwrap();
    assert_eq!(readings.len(), 2);
    assert_eq!(readings[0].user_id, 27);
    assert_eq!(
        readings[0].date.unwrap().to_rfc3339(),
        "2026-03-16T20:50:37+01:00"
    );
    assert_eq!((readings[1].user_id, readings[1].date), (599, None));
    // Keys the spec does not describe are kept as sent, at every depth.
    let extra = serde_json::Value::Object(dialog.extra.clone());
    assert_eq!(extra, serde_json::json!({"extra": 1}));
    assert_eq!(
        serde_json::Value::Object(restrictions.extra),
        serde_json::json!({"react": true})
    );
    // Serialized, the result is the answer again: nothing was lost.
    let round_trip = serde_json::to_value(&dialog).unwrap();
    assert_eq!(round_trip["restrictions"]["avatar"], true);
    assert_eq!(round_trip["restrictions"]["react"], true);
    assert_eq!(
        round_trip["readed_list"][0]["date"],
        "2026-03-16T20:50:37+01:00"
    );
    assert_eq!(round_trip["id"], 2043);
}

#[tokio::test]
async fn crm_chats_take_a_named_kind_of_record_or_its_text() {
    use b24kit::{
        CrmEntityType, ImopenlinesCrmChatGetParams as CrmChats,
        ImopenlinesCrmChatUserAddParams as AddUser,
    };
    assert_eq!(CrmEntityType::from("deal"), CrmEntityType::Deal);
    assert_eq!(
        CrmEntityType::from("invoice"),
        CrmEntityType::Other("invoice".to_string())
    );
    assert_eq!(CrmEntityType::Company.to_string(), "company");
    let emu = emulator();
    let client = webhook_client(&emu);
    let chats = client
        .imopenlines_crm_chat_get(CrmChats::new(CrmEntityType::Lead, 1205).active_only(false))
        .await
        .unwrap()
        .result;
    assert_eq!(
        chats
            .iter()
            .map(|c| (c.chat_id.as_str(), c.connector_title.as_str()))
            .collect::<Vec<_>>(),
        [("2045", "Live Chat")]
    );
    assert_eq!(
        emu.portal().last_call().unwrap().params["CRM_ENTITY_TYPE"],
        "lead"
    );
    // A kind the enum does not name is sent as given; this portal refuses it.
    let refused = client
        .imopenlines_crm_chat_get(CrmChats::new("invoice", 1205))
        .await
        .unwrap_err();
    assert_eq!(
        emu.portal().last_call().unwrap().params["CRM_ENTITY_TYPE"],
        "invoice"
    );
    assert!(
        matches!(refused, Error::Method { status: 403, .. }),
        "{refused:?}"
    );
    let added = client
        .imopenlines_crm_chat_user_add(AddUser::new(CrmEntityType::Lead, 1205, 3))
        .await
        .unwrap()
        .result;
    assert_eq!(added, 2045);
    assert_eq!(emu.portal().chat(2045).unwrap().members, [2, 3]);
}

#[tokio::test]
async fn json_parameters_travel_nested_alone_and_in_batches() {
    use b24kit::{
        ImopenlinesNetworkMessageAddError as MessageError,
        ImopenlinesNetworkMessageAddParams as Message,
    };
    let emu = emulator();
    let client = webhook_client(&emu);
    let line = "ab515f5d85a8b844d484f6ea75a2e494";
    let attach = serde_json::json!({
        "ID": 1,
        "BLOCKS": [{"MESSAGE": "The checklist"}, {"FILE": [{"NAME": "a.pdf", "SIZE": 42, "RATIO": 0.5}]}],
    });
    let keyboard = serde_json::json!([{"TEXT": "Open", "LINK": "https://example.com/setup"}]);
    let sent = client
        .imopenlines_network_message_add(
            Message::new(line, 3, "Hello")
                .attach(attach.clone())
                .keyboard(keyboard.clone())
                .url_preview(false),
        )
        .await
        .unwrap();
    assert!(sent.result);
    let call = emu.portal().last_call().unwrap();
    assert_eq!(call.params["ATTACH"], attach);
    assert_eq!(call.params["KEYBOARD"], keyboard);
    assert_eq!(call.params["URL_PREVIEW"], "N");
    // `batch` sends them as PHP-style keys (`ATTACH[BLOCKS][0][MESSAGE]`), read back nested.
    let outcomes = client
        .batch(
            vec![
                Message::new(line, 4, "Hi").attach(attach.clone()),
                Message::new(line, 6, "Hi").attach(serde_json::json!({"ID": 2})),
            ],
            false,
        )
        .await;
    assert!(outcomes[0].as_ref().unwrap().result);
    match &outcomes[1] {
        Err(Error::Method { error, .. }) => assert_eq!(
            *error,
            MethodError::ImopenlinesNetworkMessageAdd(MessageError::Attach)
        ),
        other => panic!("expected ATTACH_ERROR, got {other:?}"),
    }
    let state = emu.portal().state();
    let messaged = &state.network_lines[0].messaged;
    assert!(
        messaged.contains(&4) && !messaged.contains(&6),
        "{messaged:?}"
    );
}

#[tokio::test]
async fn open_lines_are_created_read_changed_and_deleted() {
    use b24kit::{
        ImopenlinesConfigAddParams as Add, ImopenlinesConfigDeleteParams as Delete,
        ImopenlinesConfigGetError as GetError, ImopenlinesConfigGetParams as Get,
        ImopenlinesConfigUpdateParams as Update, OpenLineQueueEntry, OpenLineSettings,
        QueueEntityType,
    };
    let emu = emulator();
    let client = webhook_client(&emu);
    let line = client
        .imopenlines_config_get(Get::new(1))
        .await
        .unwrap()
        .result;
    assert_eq!(
        (line.id.as_str(), line.line_name.as_str()),
        ("1", "Support")
    );
    assert_eq!(line.queue, Some(vec!["1".to_string(), "2".to_string()]));
    let full = line.queue_full.expect("the queue's entries");
    assert_eq!(full["2"].user_id.as_deref(), Some("2"));
    // Settings with documented values are enums.
    assert_eq!(line.queue_type, Some(b24kit::QueueDistribution::Evenly));
    assert_eq!(
        line.worktime_dayoff,
        Some(vec![b24kit::Weekday::Sa, b24kit::Weekday::Su])
    );
    assert_eq!(
        line.type_max_chat,
        Some(b24kit::ActiveChatCounting::AnsweredNew)
    );
    let bare = client
        .imopenlines_config_get(Get::new(1).with_queue(false))
        .await
        .unwrap()
        .result;
    assert!(bare.queue_full.is_none());
    assert_eq!(emu.portal().last_call().unwrap().params["WITH_QUEUE"], "N");
    let settings = OpenLineSettings::new()
        .line_name("Shop")
        .queue(vec![OpenLineQueueEntry::new(QueueEntityType::User, 5)])
        .queue_time(90);
    let id = client
        .imopenlines_config_add(Add::new().params(settings))
        .await
        .unwrap()
        .result;
    assert_eq!(id, 3);
    let shop = client
        .imopenlines_config_get(Get::new(id))
        .await
        .unwrap()
        .result;
    assert_eq!(shop.queue, Some(vec!["5".to_string()]));
    assert_eq!(shop.queue_time.as_deref(), Some("90"));
    // Only the settings given are sent: the change keeps the rest.
    let change = OpenLineSettings::new().active("N").queue_type("randomly");
    assert_eq!(
        serde_json::to_value(&change).unwrap(),
        serde_json::json!({"ACTIVE": "N", "QUEUE_TYPE": "randomly"})
    );
    let update = Update::new(id).params(change);
    assert!(
        client
            .imopenlines_config_update(update)
            .await
            .unwrap()
            .result
    );
    let closed = client
        .imopenlines_config_get(Get::new(id))
        .await
        .unwrap()
        .result;
    assert_eq!(closed.active, "N");
    // A value the spec does not name is kept as sent, and written back as it came.
    assert_eq!(
        closed.queue_type,
        Some(b24kit::QueueDistribution::Other("randomly".to_string()))
    );
    assert_eq!(
        serde_json::to_value(&closed).unwrap()["QUEUE_TYPE"],
        "randomly"
    );
    assert!(
        client
            .imopenlines_config_delete(Delete::new(id))
            .await
            .unwrap()
            .result
    );
    assert!(
        !client
            .imopenlines_config_delete(Delete::new(id))
            .await
            .unwrap()
            .result
    );
    assert_eq!(
        method_error(
            client
                .imopenlines_config_get(Get::new(id))
                .await
                .unwrap_err()
        ),
        MethodError::ImopenlinesConfigGet(GetError::ConfigIdEmpty)
    );
}

#[tokio::test]
async fn open_lines_are_listed_filtered_sorted_and_paged() {
    use b24kit::{
        ImopenlinesConfigListGetError as ListError, ImopenlinesConfigListGetParams as List,
    };
    let emu = emulator();
    let client = webhook_client(&emu);
    let asked = List::new()
        .params(serde_json::json!({"filter": {"ACTIVE": "Y"}, "select": ["ID", "LINE_NAME"]}))
        .options(serde_json::json!({"QUEUE": "Y", "CONFIG_QUEUE": "Y"}));
    let lines = client
        .imopenlines_config_list_get(asked)
        .await
        .unwrap()
        .result;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].id.as_deref(), Some("1"));
    assert_eq!(lines[0].active, None);
    assert_eq!(lines[0].queue, Some(vec![1, 2]));
    let config_queue = lines[0].config_queue.as_ref().expect("CONFIG_QUEUE");
    assert_eq!(config_queue[1].entity_id.as_deref(), Some("2"));
    let newest = client
        .imopenlines_config_list_get(
            List::new().params(serde_json::json!({"order": {"ID": "DESC"}, "offset": 1})),
        )
        .await
        .unwrap()
        .result;
    assert_eq!(newest[0].id.as_deref(), Some("1"));
    let refused = client
        .imopenlines_config_list_get(List::new().params(serde_json::json!({"limit": -1})))
        .await
        .unwrap_err();
    assert_eq!(
        method_error(refused),
        MethodError::ImopenlinesConfigListGet(ListError::InvalidFormat)
    );
}

/// Adds open lines named `Line 1` … until the portal has `count` (it starts with two).
async fn open_lines(client: &b24kit::Client, count: usize) {
    use b24kit::ImopenlinesConfigAddParams as Add;
    for n in 3..=count {
        let settings = b24kit::OpenLineSettings::new().line_name(format!("Line {n}"));
        client
            .imopenlines_config_add(Add::new().params(settings))
            .await
            .unwrap();
    }
}

fn line_ids(lines: &[b24kit::OpenLineListItem]) -> Vec<u64> {
    lines
        .iter()
        .map(|line| line.id.as_deref().expect("ID").parse().expect("a number"))
        .collect()
}

#[tokio::test]
async fn a_list_method_is_walked_typed_through_its_own_limit_and_offset() {
    use b24kit::ImopenlinesConfigListGetParams as List;
    use futures_util::TryStreamExt;
    let emu = emulator();
    let client = webhook_client(&emu);
    open_lines(&client, 9).await;

    // Two lines a page: four full pages and one of one, then the walk knows it is over.
    let mut walk =
        client.imopenlines_config_list_get_all(List::new().params(serde_json::json!({"limit": 2})));
    let mut pages = Vec::new();
    while let Some(page) = walk.next_page().await.unwrap() {
        pages.push(page.len());
        assert_eq!(walk.progress().requests, pages.len() as u64);
    }
    assert_eq!(pages, [2, 2, 2, 2, 1]);
    assert_eq!(walk.progress().items, 9);

    // By default a page holds 50: one request for the nine, as the stream's items.
    let walk = client.imopenlines_config_list_get_all(List::new());
    let lines: Vec<_> = walk.into_stream().try_collect().await.unwrap();
    assert_eq!(line_ids(&lines), (1..=9).collect::<Vec<_>>());

    // The caller's offset is where the walk starts, its filter and order are kept.
    let asked = serde_json::json!({"limit": 3, "offset": 2, "order": {"ID": "DESC"}});
    let walk = client.imopenlines_config_list_get_all(List::new().params(asked));
    let lines: Vec<_> = walk.into_stream().try_collect().await.unwrap();
    assert_eq!(line_ids(&lines), [7, 6, 5, 4, 3, 2, 1]);

    // Stopping early sends nothing more: two pages asked, two requests served.
    let served = emu.portal().stats().rest_requests;
    let mut walk =
        client.imopenlines_config_list_get_all(List::new().params(serde_json::json!({"limit": 2})));
    let first = walk.next_page().await.unwrap().unwrap();
    let second = walk.next_page().await.unwrap().unwrap();
    assert_eq!(first.len() + second.len(), 4);
    drop(walk);
    assert_eq!(emu.portal().stats().rest_requests - served, 2);
    let sent = emu.portal().last_call().expect("a call").params;
    assert_eq!(sent["PARAMS"], serde_json::json!({"limit": 2, "offset": 2}));
}

#[tokio::test]
async fn a_list_method_by_name_pages_the_way_its_spec_declares() {
    let emu = emulator();
    let client = webhook_client(&emu);
    open_lines(&client, 5).await;
    // Asked for counted pages (`start`), the walk still goes by `PARAMS.limit`/`offset`, the
    // only paging the method knows.
    let asked = serde_json::json!({"PARAMS": {"limit": 2, "select": ["ID"]}});
    let mut pager = client.list(ListCall::counted("imopenlines.config.list.get", asked));
    let mut ids = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        ids.extend(
            page.iter()
                .map(|item| item["ID"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(pager.progress().requests, 3);
    assert_eq!(pager.progress().total, None);
}

#[tokio::test]
async fn a_walk_refuses_a_limit_or_offset_it_cannot_page_with_before_sending() {
    use b24kit::ImopenlinesConfigListGetParams as List;
    let emu = emulator();
    let client = webhook_client(&emu);
    for (asked, parameter) in [
        (serde_json::json!({"limit": -1}), "limit"),
        (serde_json::json!({"offset": "first"}), "offset"),
    ] {
        let mut walk = client.imopenlines_config_list_get_all(List::new().params(asked));
        match walk.next_page().await {
            Err(Error::InvalidArgument { parameter: p, .. }) => assert_eq!(p, parameter),
            other => panic!("expected an invalid argument, got {other:?}"),
        }
        assert_eq!(walk.progress().requests, 0);
    }
    let mut pager = client.list(ListCall::counted(
        "imopenlines.config.list.get",
        serde_json::json!({"PARAMS": "all"}),
    ));
    match pager.next_page().await {
        Err(Error::InvalidArgument { parameter, .. }) => assert_eq!(parameter, "PARAMS"),
        other => panic!("expected an invalid argument, got {other:?}"),
    }
    assert_eq!(emu.portal().stats().rest_requests, 0);
}

#[test]
fn the_blocking_walk_is_an_iterator_of_typed_items() {
    use b24kit::ImopenlinesConfigListGetParams as List;
    let emu = emulator();
    let client = b24kit::blocking::Client::from(webhook_client(&emu));
    let lines: Result<Vec<_>, _> = client
        .imopenlines_config_list_get_all(List::new().params(serde_json::json!({"limit": 1})))
        .collect();
    assert_eq!(line_ids(&lines.unwrap()), [1, 2]);
}
