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

/** Throws unless `value` is JSON; `open` holds the containers it is inside (a short array: the depth). */
function check(value, path, open) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, `${value}, which JSON cannot hold`);
      return;
    case 'bigint':
      throw refuse(path, 'a bigint; send a number or a string');
    case 'undefined':
      throw refuse(path, 'undefined');
    case 'function':
    case 'symbol':
      throw refuse(path, `a ${typeof value}`);
    default:
  }
  if (value === null || value instanceof Date) return;
  if (open.includes(value)) throw refuse(path, 'an object inside itself');
  open.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) check(value[i], `${path}[${i}]`, open);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item !== undefined) check(item, `${path}.${key}`, open);
    }
  } else {
    throw refuse(path, `of type ${value.constructor ? value.constructor.name : 'unknown'}`);
  }
  open.pop();
}

/** The JSON text of a call's parameters (`undefined` or `null`: none); throws `TypeError`. */
function paramsJson(params, path = 'params') {
  if (params === undefined || params === null) return '{}';
  if (typeof params !== 'object' || Array.isArray(params) || !isPlainObject(params)) {
    throw new TypeError(`${path} must be a plain object of parameter → value, not ${describe(params)}`);
  }
  check(params, path, []);
  return JSON.stringify(params);
}

module.exports = { check, isPlainObject, paramsJson };
