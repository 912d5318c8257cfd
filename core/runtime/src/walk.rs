//! A list method walked typed: [`Client::walk`] takes the method's parameters as its spec types
//! them and hands out its items as the spec's item type. Underneath it is the walk of a list by
//! name ([`Pager`]): the same pages, limits, retries and errors; only the items are read into
//! their type, as leniently as any typed result.

use std::marker::PhantomData;

use serde::Deserialize;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::error::{ArgumentProblem, ProtocolErrorKind};
use crate::paging::{items_of_pages, short};
use crate::wire::{Lenient, Read};
use crate::{Client, Error, ListCall, Method, Pager, Progress};

/// A method whose spec declares it a list: its result is a page of `Item`s.
pub trait ListMethod: Method {
    /// One item of the list.
    type Item: Lenient + Send + 'static;
}

impl ListCall {
    /// The walk of a typed list call: its parameters checked and encoded as the call's own
    /// would be; nothing is sent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when a parameter is out of range or cannot be encoded.
    pub fn typed<M: ListMethod>(params: &M) -> Result<ListCall, Error<M::Catalog>> {
        params.validate()?;
        let params = serde_json::to_value(params).map_err(|e| Error::InvalidArgument {
            parameter: "params",
            problem: ArgumentProblem::NotEncodable {
                reason: e.to_string(),
            },
        })?;
        Ok(ListCall::counted(M::NAME, params).idempotent(M::IDEMPOTENT))
    }
}

/// Reads a page of a walk of `M` by name into `M`'s item type: what a binding does with the
/// pages of a typed walk.
///
/// # Errors
///
/// [`Error::Protocol`] ([`ProtocolErrorKind::UnexpectedShape`]) naming the first item that is
/// not of the type.
pub fn decode_page<M: ListMethod>(items: Vec<Value>) -> Result<Vec<M::Item>, Error<M::Catalog>> {
    decode_items(items)
}

fn decode_items<T: Lenient, C: Catalog>(items: Vec<Value>) -> Result<Vec<T>, Error<C>> {
    items
        .iter()
        .map(|item| match Read::<T>::deserialize(item) {
            Ok(Read(value)) => Ok(value),
            Err(e) => Err(Error::Protocol {
                kind: ProtocolErrorKind::UnexpectedShape,
                status: 200,
                snippet: format!(
                    "a list item is not of its documented type ({e}): {}",
                    short(item)
                ),
            }),
        })
        .collect()
}

/// A typed walk through a list method; see [`Client::walk`].
pub struct Walk<C: Catalog, T> {
    pager: Pager<C>,
    item: PhantomData<fn() -> T>,
}

impl<C: Catalog> Client<C> {
    /// Every item of a list method, typed, a page at a time: the method's parameters as for a
    /// call of it, its items as its spec types them. Nothing is sent until the first page is
    /// asked for; parameters out of range are each page's error, and nothing is sent.
    pub fn walk<M: ListMethod<Catalog = C>>(&self, params: M) -> Walk<C, M::Item> {
        Walk {
            pager: self.list_typed(&params),
            item: PhantomData,
        }
    }

    /// The walk by name behind a typed walk of `params`' method, for a binding that reads the
    /// pages into its own item type ([`decode_page`]); refused parameters are each page's
    /// error.
    pub fn list_typed<M: ListMethod<Catalog = C>>(&self, params: &M) -> Pager<C> {
        match ListCall::typed(params) {
            Ok(list) => self.list(list),
            Err(refused) => self.list_refused(refused),
        }
    }
}

impl<C: Catalog, T: Lenient + Send + 'static> Walk<C, T> {
    /// The next page of items, or `None` at the end of the list. A failed page can be asked
    /// for again.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, Error<C>> {
        match self.pager.next_page().await? {
            Some(items) => decode_items(items).map(Some),
            None => Ok(None),
        }
    }

    /// How far the walk has got: items handed out, the list's total once known, requests made.
    pub fn progress(&self) -> Progress {
        self.pager.progress()
    }

    /// The items one by one, as a stream; dropping it stops the walk.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<T, Error<C>>> {
        items_of_pages(self, |mut walk| async move {
            let page = walk.next_page().await;
            (walk, page)
        })
    }
}
