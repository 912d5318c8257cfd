//! Walking a list method to its end, a page of (at most) 50 items at a time, in one of the two
//! ways the docs describe:
//!
//! - *counted* pages through `start`/`next`/`total`: the first page says how many items there
//!   are, and the pages after it are fetched 50 at a time through `batch`, so 10,000 items take
//!   5 requests;
//! - *by ID*, the docs' advice for large lists (`settings/performance/huge-data.md`): order by
//!   the ID, filter `>ID` with the last ID seen, `start = -1` so that the portal never counts;
//!   one request per page, and no page is skipped or seen twice when items are added meanwhile.
//!
//! A method that pages its own way — `imopenlines.config.list.get` takes a `limit` and an
//! `offset` inside its `PARAMS` — says so in its spec ([`OffsetPaging`]), and is walked that way
//! whatever mode was asked for: the portal knows no other.
//!
//! Pages are fetched only when asked for: stopping early sends nothing more. Every request goes
//! through the rate limiter and the execution-time budget like any other call.

use std::collections::VecDeque;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::any_call::AnyCall;
use crate::catalog::Catalog;
use crate::error::{ArgumentProblem, ProtocolErrorKind};
use crate::{Client, Error};

/// The portal's page size for list methods.
pub const PAGE_SIZE: u64 = 50;

/// How a list is walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListMode {
    /// Through `start`/`next`, the pages after the first fetched through `batch`.
    Counted,
    /// By ID: ascending, `>ID` the last ID seen, `start = -1`.
    ById,
    /// Through a limit and an offset among the method's own parameters, as its spec declares.
    Offset(OffsetPaging),
}

/// How a list method that does not page through `start` takes its pages: a `limit` and an
/// `offset`, at the top of its parameters or inside one of them. The walk asks for
/// `page_size` items a page (or the caller's own `limit`, up to `max_page_size`), from the
/// caller's `offset` or 0, and ends at the first page shorter than it asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetPaging {
    /// The parameter holding `limit` and `offset` (`PARAMS`), or `None` for top-level ones.
    pub within: Option<&'static str>,
    /// The name of the page-size parameter.
    pub limit: &'static str,
    /// The name of the parameter saying how many items to skip.
    pub offset: &'static str,
    /// Items per page the portal gives when asked for no `limit`.
    pub page_size: u64,
    /// The most items a page can hold, whatever `limit` asks.
    pub max_page_size: u64,
}

/// A list method to walk: the call, how to walk it, and where its items are.
#[derive(Debug, Clone, PartialEq)]
pub struct ListCall {
    call: AnyCall,
    mode: ListMode,
    id_field: String,
    items_key: Option<String>,
}

impl ListCall {
    /// Walks `method` with `params` (its `filter`, `select`, `order`, …) through counted pages.
    pub fn counted(method: impl Into<String>, params: Value) -> ListCall {
        ListCall::new(method, params, ListMode::Counted)
    }

    /// Walks `method` by ID, as the docs advise for large lists: `params`' `order` is replaced by
    /// the ID's, its `filter` gains `>ID`, and `start` is `-1`.
    pub fn by_id(method: impl Into<String>, params: Value) -> ListCall {
        ListCall::new(method, params, ListMode::ById)
    }

    /// A walk from the options the bindings and the command line take: by ID or counted, and the
    /// identifier field and the items key when given.
    pub fn with_options(
        method: impl Into<String>,
        params: Value,
        by_id: bool,
        id_field: Option<String>,
        items_key: Option<String>,
    ) -> ListCall {
        let mode = if by_id {
            ListMode::ById
        } else {
            ListMode::Counted
        };
        let mut list = ListCall::new(method, params, mode);
        if let Some(field) = id_field {
            list = list.id_field(field);
        }
        if let Some(key) = items_key {
            list = list.items_key(key);
        }
        list
    }

    /// Walks `method` with `params` in `mode`; the same as [`ListCall::counted`] or
    /// [`ListCall::by_id`], with the choice as a value.
    pub fn new(method: impl Into<String>, params: Value, mode: ListMode) -> ListCall {
        ListCall {
            // A list method reads: repeating a page changes nothing.
            call: AnyCall::new(method, params).idempotent(true),
            mode,
            id_field: "ID".to_string(),
            items_key: None,
        }
    }

    /// The identifier field to walk by (default `ID`; `id` for `crm.item.list`, say).
    #[must_use]
    pub fn id_field(mut self, field: impl Into<String>) -> ListCall {
        self.id_field = field.into();
        self
    }

    /// Where the items are when `result` is an object (`items` for `crm.item.list`, `tasks` for
    /// `tasks.task.list`); by default a list `result`, or the only list inside an object.
    #[must_use]
    pub fn items_key(mut self, key: impl Into<String>) -> ListCall {
        self.items_key = Some(key.into());
        self
    }

    /// Whether pages may be fetched again after a failure that may have reached the portal
    /// (default: yes, a list method only reads).
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> ListCall {
        self.call = self.call.idempotent(idempotent);
        self
    }

    /// How the list is walked.
    pub fn mode(&self) -> &ListMode {
        &self.mode
    }
}

/// How far a walk has got, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Items handed out so far.
    pub items: u64,
    /// How many items the list has, once the portal said (counted walks only).
    pub total: Option<u64>,
    /// HTTP requests made so far.
    pub requests: u64,
}

/// A walk through a list, a page at a time: [`Pager::next_page`] until it gives `None`. A failed
/// page can be asked for again.
pub struct Pager<C: Catalog> {
    client: Client<C>,
    list: ListCall,
    state: State,
    progress: Progress,
    /// Why the walk's parameters were refused before anything was sent: every page's error.
    refused: Option<Error<C>>,
}

enum State {
    Start,
    /// By ID, after a full page ending at this ID.
    After(Value),
    /// By offset: where the next page starts and how many items a full page holds.
    AtOffset {
        offset: u64,
        limit: u64,
    },
    /// Counted: pages fetched ahead (each page's `result` as the portal wrote it), and the
    /// starts of those still to fetch.
    Counted {
        ahead: VecDeque<Box<RawValue>>,
        starts: VecDeque<u64>,
    },
    Done,
}

impl<C: Catalog> Client<C> {
    /// A walk through a list method; nothing is sent until the first page is asked for.
    pub fn list(&self, mut list: ListCall) -> Pager<C> {
        let declared = C::method(list.call.method()).and_then(|facts| facts.paging);
        if let Some(paging) = declared {
            list.mode = ListMode::Offset(paging);
        }
        Pager {
            client: self.clone(),
            list,
            state: State::Start,
            progress: Progress::default(),
            refused: None,
        }
    }

    /// A walk that sends nothing and fails each page with `error`: what a binding gives its
    /// caller when it could not read the walk's parameters itself (the caller sees the error
    /// where it sees every other, at the first page).
    pub fn list_refused(&self, error: Error<C>) -> Pager<C> {
        let mut pager = self.list(ListCall::counted("batch", Value::Null));
        pager.refused = Some(error);
        pager
    }
}

impl<C: Catalog> Pager<C> {
    /// How far the walk has got: items handed out, the list's total once known, requests made.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The items one by one, as a stream; dropping it stops the walk.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<Value, Error<C>>> {
        items_of_pages(self, |mut pager| async move {
            let page = pager.next_page().await;
            (pager, page)
        })
    }

    /// The next page of items, or `None` at the end of the list.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Value>>, Error<C>> {
        self.next_page_as().await
    }

    /// The next page as the JSON text of its items' array, or `None` at the end. For a binding
    /// whose language reads JSON text faster than it takes values over (Python's `json.loads`,
    /// Node's `JSON.parse`): a page is handed on as the portal wrote it, never read into values
    /// and written out again.
    pub async fn next_page_json(&mut self) -> Result<Option<String>, Error<C>> {
        Ok(self.next_page_as::<PageText>().await?.map(|page| page.json))
    }

    /// Like [`Pager::next_page_json`], with every page already at hand after it (a counted walk
    /// fetches up to 50 at once): the JSON text of an array of pages, for one crossing into
    /// the binding's language for them all.
    pub async fn next_pages_json(&mut self) -> Result<Option<String>, Error<C>> {
        let Some(first) = self.next_page_as::<PageText>().await? else {
            return Ok(None);
        };
        let mut json = String::with_capacity(first.json.len() + 2);
        json.push('[');
        json.push_str(&first.json);
        while let Some(page) = self.next_ready_page_as::<PageText>() {
            json.push(',');
            json.push_str(&page.json);
        }
        json.push(']');
        Ok(Some(json))
    }

    async fn next_page_as<F: PageForm>(&mut self) -> Result<Option<F>, Error<C>> {
        if let Some(refused) = &self.refused {
            return Err(refused.clone());
        }
        loop {
            match &mut self.state {
                State::Done => return Ok(None),
                State::Start if self.list.mode == ListMode::Counted => {
                    let first = self.first_counted_page::<F>().await?;
                    return Ok(Some(self.hand_out(first)));
                }
                State::Start => match self.list.mode {
                    ListMode::Offset(paging) => {
                        let (offset, limit) = self.first_offset(paging)?;
                        return self.page_by_offset(paging, offset, limit).await;
                    }
                    _ => return self.page_by_id(None).await,
                },
                State::After(last) => {
                    let last = last.clone();
                    return self.page_by_id(Some(last)).await;
                }
                State::AtOffset { offset, limit } => {
                    let (offset, limit) = (*offset, *limit);
                    if let ListMode::Offset(paging) = self.list.mode {
                        return self.page_by_offset(paging, offset, limit).await;
                    }
                    self.state = State::Done;
                }
                State::Counted { ahead, starts } => {
                    if let Some(raw) = ahead.front() {
                        // A page that cannot be read stays first: asked again, it fails again,
                        // and no page after it is handed out in its place.
                        let page = F::read_raw(raw, self.list.items_key.as_deref())?;
                        ahead.pop_front();
                        return Ok(Some(self.hand_out(page)));
                    }
                    if starts.is_empty() {
                        self.state = State::Done;
                        continue;
                    }
                    let batch: Vec<u64> = starts
                        .iter()
                        .take(crate::MAX_BATCH_COMMANDS)
                        .copied()
                        .collect();
                    let pages = self.fetch(&batch).await?;
                    if let State::Counted { ahead, starts } = &mut self.state {
                        starts.drain(..batch.len());
                        ahead.extend(pages);
                    }
                }
            }
        }
    }

    /// The next page if it is already here (a counted walk fetches up to 50 ahead), without
    /// sending anything; `None` when the next page needs a request or the walk is over. Lets a
    /// binding hand over every page at hand in one crossing.
    pub fn next_ready_page(&mut self) -> Option<Vec<Value>> {
        self.next_ready_page_as()
    }

    /// A page that cannot be read is left for the next `next_page` call to fail with.
    fn next_ready_page_as<F: PageForm>(&mut self) -> Option<F> {
        match &mut self.state {
            State::Counted { ahead, .. } => {
                let items_key = self.list.items_key.as_deref();
                let page = F::read_raw::<C>(ahead.front()?, items_key).ok()?;
                ahead.pop_front();
                Some(self.hand_out(page))
            }
            _ => None,
        }
    }

    fn hand_out<F: PageForm>(&mut self, page: F) -> F {
        self.progress.items += page.len() as u64;
        self.client.emit(crate::Event::Page {
            method: self.list.call.method().to_string(),
            items: page.len(),
            total: self.progress.total,
        });
        page
    }

    /// The first page of a counted walk, which says how many pages follow.
    async fn first_counted_page<F: PageForm>(&mut self) -> Result<F, Error<C>> {
        let mut params = self.params()?;
        params.insert("start".to_string(), Value::from(0));
        let call = self.with_params(params);
        let response = self.client.call_any_as::<F::Result>(&call).await?;
        self.progress.requests += 1;
        let items = F::read(response.result, self.list.items_key.as_deref())?;
        let total = response.total;
        self.progress.total = total;
        let starts: VecDeque<u64> = match (response.next, total) {
            (Some(next), Some(total)) => (next..total).step_by(PAGE_SIZE as usize).collect(),
            (Some(next), None) => VecDeque::from([next]),
            _ => VecDeque::new(),
        };
        self.state = State::Counted {
            ahead: VecDeque::new(),
            starts,
        };
        Ok(items)
    }

    /// The pages at `starts`, through one `batch` request, each as its `result`'s JSON text.
    async fn fetch(&mut self, starts: &[u64]) -> Result<Vec<Box<RawValue>>, Error<C>> {
        let params = self.params()?;
        let responses = self
            .client
            .fetch_pages(&self.list.call, &params, starts)
            .await?;
        self.progress.requests += 1;
        Ok(responses
            .into_iter()
            .map(|response| response.result)
            .collect())
    }

    /// One page by ID, after `last` (from the start when `None`).
    async fn page_by_id<F: PageForm>(
        &mut self,
        last: Option<Value>,
    ) -> Result<Option<F>, Error<C>> {
        let mut params = self.params()?;
        let id = self.list.id_field.clone();
        let mut order = Map::new();
        order.insert(id.clone(), Value::from("ASC"));
        params.insert("order".to_string(), Value::Object(order));
        let mut filter = match params.remove("filter") {
            Some(Value::Object(filter)) => filter,
            _ => Map::new(),
        };
        filter.insert(format!(">{id}"), last.unwrap_or(Value::from(0)));
        params.insert("filter".to_string(), Value::Object(filter));
        params.insert("start".to_string(), Value::from(-1));
        let call = self.with_params(params);
        let response = self.client.call_any_as::<F::Result>(&call).await?;
        self.progress.requests += 1;
        let items = F::read(response.result, self.list.items_key.as_deref())?;
        self.state = match items.last_item() {
            Some(item) if items.len() as u64 >= PAGE_SIZE => match item.get(&id) {
                Some(last) => State::After(last.clone()),
                None => {
                    return Err(shape(format!(
                        "a list item has no {id:?} to walk by: {}",
                        short(item)
                    )))
                }
            },
            _ => State::Done,
        };
        if items.len() == 0 {
            return Ok(None);
        }
        Ok(Some(self.hand_out(items)))
    }

    /// Where an offset walk starts and how many items it asks a page for: the caller's own
    /// `offset` and `limit` when given (the limit up to what a page can hold).
    fn first_offset(&self, paging: OffsetPaging) -> Result<(u64, u64), Error<C>> {
        let params = self.params()?;
        let holder = match paging.within {
            None => Some(&params),
            Some(key) => match params.get(key) {
                None | Some(Value::Null) => None,
                Some(Value::Object(holder)) => Some(holder),
                Some(other) => {
                    return Err(Error::InvalidArgument {
                        parameter: key,
                        problem: ArgumentProblem::NotEncodable {
                            reason: format!(
                                "{key} holds the list's {} and {}: an object, not {}",
                                paging.limit,
                                paging.offset,
                                short(other)
                            ),
                        },
                    })
                }
            },
        };
        let number = |name: &'static str| -> Result<Option<u64>, Error<C>> {
            match holder.and_then(|h| h.get(name)) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => whole_number(value).map(Some).ok_or(Error::InvalidArgument {
                    parameter: name,
                    problem: ArgumentProblem::NotEncodable {
                        reason: format!("{name} is a whole number from 0, not {}", short(value)),
                    },
                }),
            }
        };
        let offset = number(paging.offset)?.unwrap_or(0);
        let limit = match number(paging.limit)? {
            // A limit of 0 would walk forever through empty pages.
            Some(0) | None => paging.page_size,
            Some(limit) => limit.min(paging.max_page_size),
        };
        Ok((offset, limit))
    }

    /// One page of an offset walk: `limit` items from `offset`.
    async fn page_by_offset<F: PageForm>(
        &mut self,
        paging: OffsetPaging,
        offset: u64,
        limit: u64,
    ) -> Result<Option<F>, Error<C>> {
        let mut params = self.params()?;
        let holder = match paging.within {
            None => &mut params,
            Some(key) => {
                let slot = params
                    .entry(key.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                slot.as_object_mut().expect("made an object above")
            }
        };
        holder.insert(paging.limit.to_string(), Value::from(limit));
        holder.insert(paging.offset.to_string(), Value::from(offset));
        let call = self.with_params(params);
        let response = self.client.call_any_as::<F::Result>(&call).await?;
        self.progress.requests += 1;
        let items = F::read(response.result, self.list.items_key.as_deref())?;
        let got = items.len() as u64;
        self.state = if got >= limit {
            State::AtOffset {
                offset: offset + got,
                limit,
            }
        } else {
            State::Done
        };
        if items.len() == 0 {
            return Ok(None);
        }
        Ok(Some(self.hand_out(items)))
    }

    /// The caller's parameters as an object (checked as any call's are).
    fn params(&self) -> Result<Map<String, Value>, Error<C>> {
        self.list
            .call
            .checked::<C>()
            .map(std::borrow::Cow::into_owned)
    }

    fn with_params(&self, params: Map<String, Value>) -> AnyCall {
        let mut call = AnyCall::new(self.list.call.method(), Value::Object(params));
        if self.list.call.is_idempotent::<C>() {
            call = call.idempotent(true);
        }
        call
    }
}

/// What a page's `result` is read into: values (for Rust, and for bindings that take values
/// over), or the JSON text of the items' array ([`Pager::next_pages_json`]).
trait PageForm: Sized {
    /// How the answer's `result` is decoded.
    type Result: DeserializeOwned + Send;

    fn read<C: Catalog>(result: Self::Result, items_key: Option<&str>) -> Result<Self, Error<C>>;

    /// A page of a counted walk from its `result`'s JSON text, as it came out of a `batch`.
    fn read_raw<C: Catalog>(result: &RawValue, items_key: Option<&str>) -> Result<Self, Error<C>> {
        let result = serde_json::from_str(result.get())
            .map_err(|e| shape::<C>(format!("a result that is not JSON: {e}")))?;
        Self::read(result, items_key)
    }

    fn len(&self) -> usize;

    /// The last item, whose ID the next page of a walk by ID starts after.
    fn last_item(&self) -> Option<&Value>;
}

impl PageForm for Vec<Value> {
    type Result = Value;

    fn read<C: Catalog>(result: Value, items_key: Option<&str>) -> Result<Self, Error<C>> {
        items(result, items_key)
    }

    fn len(&self) -> usize {
        <[Value]>::len(self)
    }

    fn last_item(&self) -> Option<&Value> {
        self.last()
    }
}

/// A page as the JSON text of its items' array, with what the walk needs to know of it.
struct PageText {
    json: String,
    items: usize,
    last: Option<Value>,
}

impl PageText {
    /// A page read into values (a result that holds its list in an object), written out.
    fn from_values(items: Vec<Value>) -> Self {
        PageText {
            items: items.len(),
            last: items.last().cloned(),
            json: Value::Array(items).to_string(),
        }
    }
}

impl PageForm for PageText {
    type Result = Box<RawValue>;

    fn read<C: Catalog>(result: Box<RawValue>, items_key: Option<&str>) -> Result<Self, Error<C>> {
        // The usual answer, a list: its text is the page. Reading it as raw items only checks
        // it and finds where each item is; only the last one is read into a value.
        if let Ok(raw_items) = serde_json::from_str::<Vec<&RawValue>>(result.get()) {
            let last = match raw_items.last() {
                Some(item) => Some(
                    serde_json::from_str(item.get())
                        .map_err(|e| shape::<C>(format!("a list item that is not JSON: {e}")))?,
                ),
                None => None,
            };
            let items = raw_items.len();
            return Ok(PageText {
                json: String::from(Box::<str>::from(result)),
                items,
                last,
            });
        }
        // An object holding the list: read it as values, then write the list out.
        let value = serde_json::from_str(result.get())
            .map_err(|e| shape::<C>(format!("a result that is not JSON: {e}")))?;
        Ok(PageText::from_values(items(value, items_key)?))
    }

    fn len(&self) -> usize {
        self.items
    }

    fn last_item(&self) -> Option<&Value> {
        self.last.as_ref()
    }
}

/// The items of one page's `result`: the result itself, or the list under `items_key` (an
/// object keyed by ID gives its values), or the one list of an object.
fn items<C: Catalog>(result: Value, items_key: Option<&str>) -> Result<Vec<Value>, Error<C>> {
    match (result, items_key) {
        (Value::Array(items), _) => Ok(items),
        (Value::Object(mut map), Some(key)) => match map.remove(key) {
            Some(Value::Array(items)) => Ok(items),
            Some(Value::Object(keyed)) => Ok(keyed.into_iter().map(|(_, v)| v).collect()),
            _ => Err(shape(format!("the result has no list under {key:?}"))),
        },
        (Value::Object(map), None) => {
            let mut lists = map.into_iter().filter(|(_, v)| v.is_array());
            match (lists.next(), lists.next()) {
                (Some((_, Value::Array(items))), None) => Ok(items),
                _ => Err(shape(
                    "the result is an object without exactly one list; name it with items_key"
                        .to_string(),
                )),
            }
        }
        (other, _) => Err(shape(format!(
            "the result of a list method is a list, not {}",
            short(&other)
        ))),
    }
}

fn shape<C: Catalog>(snippet: String) -> Error<C> {
    Error::Protocol {
        kind: ProtocolErrorKind::UnexpectedShape,
        status: 200,
        snippet,
    }
}

/// A whole number from 0, as a number or as text (`"50"`), the way PHP reads either.
fn whole_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The items of a walk's pages one by one, as a stream: `next_page` fetches the next page of the
/// walk it is handed and hands the walk back. A failed page ends the stream with its error.
pub(crate) fn items_of_pages<W, T, E, Next, Page>(
    walk: W,
    next_page: Next,
) -> impl futures_util::Stream<Item = Result<T, E>>
where
    Next: Fn(W) -> Page,
    Page: std::future::Future<Output = (W, Result<Option<Vec<T>>, E>)>,
{
    use futures_util::stream::{self, StreamExt};
    stream::unfold(Some(walk), move |walk| {
        let page = walk.map(&next_page);
        async move {
            let (walk, page) = page?.await;
            match page {
                Ok(Some(items)) => {
                    Some((items.into_iter().map(Ok).collect::<Vec<_>>(), Some(walk)))
                }
                Ok(None) => None,
                Err(error) => Some((vec![Err(error)], None)),
            }
        }
    })
    .flat_map(stream::iter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    /// Pages to hand out in order; the walk's state is what is left of them.
    type Pages = std::collections::VecDeque<Result<Option<Vec<u32>>, &'static str>>;

    fn stream_of(pages: Pages) -> Vec<Result<u32, &'static str>> {
        let stream = items_of_pages(pages, |mut pages| async move {
            let page = pages.pop_front().unwrap_or(Ok(None));
            (pages, page)
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(stream.collect())
    }

    #[test]
    fn items_come_one_by_one_until_the_last_page() {
        let pages = Pages::from([Ok(Some(vec![1, 2])), Ok(Some(vec![])), Ok(Some(vec![3]))]);
        assert_eq!(stream_of(pages), [Ok(1), Ok(2), Ok(3)]);
    }

    #[test]
    fn a_failed_page_ends_the_stream_with_its_error() {
        let pages = Pages::from([Ok(Some(vec![1])), Err("refused"), Ok(Some(vec![2]))]);
        assert_eq!(stream_of(pages), [Ok(1), Err("refused")]);
    }
}
