'use strict';
// Parameters of calls by name as JSON text, checked first: a value JSON cannot hold — NaN or an
// infinity, a bigint, a function or symbol, a Map, Set, Buffer or other class instance, an
// object inside itself — is a `TypeError` that names where it is (`params.filter.>ID`), and
// nothing is sent. Plain objects, arrays, strings, finite numbers, booleans, null and Dates
// (sent as ISO text) pass; a property that is `undefined` is left out, as `JSON.stringify` does.

const { describe } = require('./settings.js');

function refuse(path, what) {
  return new TypeError(`${path} is ${what}; parameters are JSON: plain objects, arrays, strings, finite numbers, booleans, null or Dates`);
}

function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws unless `value` is JSON; `path` names it in the message (`params`). */
function check(value, path) {
  walk(value, path, [], []);
}

/**
 * `open` holds the containers the value is inside (a short array: the depth), `steps` the keys and
 * indexes from `top` to it. The path is spelled out only for a value that is refused: every call
 * by name checks its parameters, and nearly all pass, so a path string per value would be built
 * to be thrown away.
 */
function walk(value, top, open, steps) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw refuse(pathOf(top, steps), `${value}, which JSON cannot hold`);
      return;
    case 'bigint':
      throw refuse(pathOf(top, steps), 'a bigint; send a number or a string');
    case 'undefined':
      throw refuse(pathOf(top, steps), 'undefined');
    case 'function':
    case 'symbol':
      throw refuse(pathOf(top, steps), `a ${typeof value}`);
    default:
  }
  if (value === null || value instanceof Date) return;
  if (open.includes(value)) throw refuse(pathOf(top, steps), 'an object inside itself');
  open.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      steps.push(i);
      walk(value[i], top, open, steps);
      steps.pop();
    }
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined) continue;
      steps.push(key);
      walk(item, top, open, steps);
      steps.pop();
    }
  } else {
    throw refuse(pathOf(top, steps), `of type ${value.constructor ? value.constructor.name : 'unknown'}`);
  }
  open.pop();
}

/** `params.filter.>ID`, `params.select[2]`: the top name, then each key and index. */
function pathOf(top, steps) {
  let path = top;
  for (const step of steps) path += typeof step === 'number' ? `[${step}]` : `.${step}`;
  return path;
}

/** The JSON text of a call's parameters (`undefined` or `null`: none); throws `TypeError`. */
function paramsJson(params, path = 'params') {
  if (params === undefined || params === null) return '{}';
  if (typeof params !== 'object' || Array.isArray(params) || !isPlainObject(params)) {
    throw new TypeError(`${path} must be a plain object of parameter → value, not ${describe(params)}`);
  }
  check(params, path);
  return JSON.stringify(params);
}

module.exports = { check, isPlainObject, paramsJson };
