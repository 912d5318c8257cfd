'use strict';
// What `client.list(...)` returns: the items of a list method as an async iterable, fetched a
// page at a time as the loop asks. The walk itself (counted pages through `batch`, or by ID)
// is the core's; this hands its pages out item by item.

const { inspect } = require('node:util');

const PAGER = Symbol('b24kit.pager');

class ListWalk {
  #page = [];
  #index = 0;
  // `next()` calls run one after another, so that two loops over one walk never lose a page.
  #queue = Promise.resolve();

  constructor(pager, token) {
    if (token !== PAGER) throw new TypeError('walk a list with client.list(method, params)');
    Object.defineProperty(this, PAGER, { value: pager });
  }

  /** How far the walk has got: `{ items, total, requests }` (`total` once the portal said). */
  get progress() {
    const { items, total, requests } = this[PAGER].progress;
    return Object.freeze({ items, total: total ?? null, requests });
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The next item; a page that fails rejects, and the next call asks for that page again. */
  next() {
    const step = this.#queue.then(() => this.#step());
    this.#queue = step.catch(() => {});
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

  async #fetch() {
    const text = await this[PAGER].nextPage();
    return text === null ? null : JSON.parse(text);
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
