'use strict';
// What `client.list(...)` and a list method's typed `…All(...)` return: the items of a list
// method as an async iterable, fetched a page at a time as the loop asks. The walk itself
// (counted pages through `batch`, by ID, or by the method's own limit and offset) is the core's;
// this hands its pages out item by item.

const { inspect } = require('node:util');
const { abortError, abortable } = require('./abort.js');

const PAGER = Symbol('b24kit.pager');

class ListWalk {
  #page = [];
  #index = 0;
  // Pages fetched but not yet handed out (a counted walk gets many in one crossing).
  #ahead = [];
  // `next()` calls that must wait for a page run one after another, so that two loops over one
  // walk never lose a page; `#waiting` counts them.
  #queue = Promise.resolve();
  #waiting = 0;

  #signal;
  #cancel;

  constructor(pager, token, signal = undefined, cancel = null) {
    if (token !== PAGER) throw new TypeError('walk a list with client.list(method, params)');
    Object.defineProperty(this, PAGER, { value: pager });
    this.#signal = signal;
    this.#cancel = cancel;
  }

  /** How far the walk has got: `{ items, total, requests }` (`total` once the portal said). */
  get progress() {
    const { items, total, requests } = this[PAGER].progress;
    // The addon counts what it handed over; items still held here are not out yet.
    let held = this.#page.length - this.#index;
    for (const page of this.#ahead) held += page.length;
    return Object.freeze({ items: items - held, total: total ?? null, requests });
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The next item; a page that fails rejects, and the next call asks for that page again. */
  next() {
    if (this.#signal !== undefined && this.#signal.aborted) return Promise.reject(abortError(this.#signal));
    // Most items are already here: hand them out without queueing behind anything.
    if (this.#waiting === 0 && this.#index < this.#page.length) {
      const value = this.#page[this.#index];
      this.#index += 1;
      return Promise.resolve({ done: false, value });
    }
    this.#waiting += 1;
    const step = this.#queue.then(() => this.#step());
    this.#queue = step.then(
      () => {
        this.#waiting -= 1;
      },
      () => {
        this.#waiting -= 1;
      },
    );
    return step;
  }

  /** Ends a `for await` loop early: nothing more is sent, and the walk can go on later. */
  return() {
    return Promise.resolve({ done: true, value: undefined });
  }

  async #step() {
    while (this.#index >= this.#page.length) {
      const page = await this.#fetch();
      if (page === null) return { done: true, value: undefined };
      this.#page = page;
      this.#index = 0;
    }
    const value = this.#page[this.#index];
    this.#index += 1;
    return { done: false, value };
  }

  /** The next page, from those at hand or from the addon; `null` at the end. */
  async #fetch() {
    if (this.#ahead.length === 0) {
      const pages = this[PAGER].nextPages();
      const text = await (this.#signal === undefined ? pages : abortable(pages, this.#signal, this.#cancel));
      if (text === null) return null;
      // A walk by name sends JSON text (one parse for all its pages); a typed walk, its objects.
      this.#ahead = typeof text === 'string' ? JSON.parse(text) : text;
    }
    return this.#ahead.shift();
  }

  /** The rest of the walk a page (an array of up to 50 items) at a time. */
  async *pages() {
    if (this.#index < this.#page.length) {
      const rest = this.#page.slice(this.#index);
      this.#page = [];
      this.#index = 0;
      yield rest;
    }
    for (;;) {
      const page = await this.#fetch();
      if (page === null) return;
      yield page;
    }
  }

  [inspect.custom]() {
    const { items, total, requests } = this.progress;
    return `ListWalk { items: ${items}, total: ${total}, requests: ${requests} }`;
  }
}

module.exports = { ListWalk, PAGER };
