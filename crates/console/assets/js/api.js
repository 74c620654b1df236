// The console's client of the public API: the EC2 Query API (and ELBv2 on the same
// endpoint), signed with SigV4, plus the two openvpc extensions the page reads
// (/_openvpc/changes and /_openvpc/explanations, signed the same way).

import { sign, uriEncode } from './sigv4.js';
import { parseXml } from './xml.js';

export const EC2_VERSION = '2016-11-15';
export const ELB_VERSION = '2015-12-01';
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

/** An error the API answered with (`code` as AWS spells it), or a transport failure. */
export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message ? `${code}: ${message}` : code);
    this.code = code;
    this.detail = message;
    this.status = status;
  }
}

/** Codes that mean "these credentials are not accepted" (rather than "no such thing"). */
export const AUTH_CODES = new Set([
  'AuthFailure',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'RequestExpired',
]);

/** A list field of a response: absent, empty text or a single object become arrays. */
export function arr(v) {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null || v === '') return [];
  return [v];
}

/** `Action=…&Version=…&…`, form-encoded the way the SDKs do (RFC 3986). */
export function formEncode(params) {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(String(v))}`)
    .join('&');
}

/** EC2 `Filter.N.Name` / `Filter.N.Value.M` parameters from `{name: [values]}`. */
export function filters(spec) {
  const out = {};
  Object.entries(spec).forEach(([name, values], i) => {
    out[`Filter.${i + 1}.Name`] = name;
    [].concat(values).forEach((v, j) => {
      out[`Filter.${i + 1}.Value.${j + 1}`] = v;
    });
  });
  return out;
}

function errorOf(doc, status) {
  const v = doc.value || {};
  // EC2: <Response><Errors><Error>…; ELBv2: <ErrorResponse><Error>…
  const e = (v.Errors && v.Errors.Error) || v.Error || {};
  const first = Array.isArray(e) ? e[0] : e;
  return new ApiError(first.Code || `HTTP ${status}`, first.Message || '', status);
}

export class Api {
  /**
   * `accessKeyId`/`secretAccessKey`: the key entered, or (without --credentials) the
   * account id and any secret. `host` is what the browser sends as Host.
   */
  constructor({ accessKeyId, secretAccessKey, region, host, base = '', fetchImpl, now = () => new Date() }) {
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.region = region;
    this.host = host ?? globalThis.location.host;
    this.base = base;
    this.fetch = fetchImpl ?? ((...a) => globalThis.fetch(...a));
    this.now = now;
    this.requests = 0;
  }

  async signedHeaders(method, path, query, body, service, extra = {}) {
    const signed = await sign({
      method,
      path,
      query,
      body,
      headers: { host: this.host, ...extra },
      region: this.region,
      service,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
      date: this.now(),
    });
    const { host, ...headers } = signed.headers;
    return { ...headers, authorization: signed.authorization };
  }

  async send(url, init) {
    this.requests++;
    try {
      return await this.fetch(url, init);
    } catch (e) {
      throw new ApiError('NetworkError', `the server did not answer (${e.message})`);
    }
  }

  /** Calls one action; returns the response document's content as an object (for ELBv2,
   * the content of its `…Result` element). Throws ApiError. */
  async call(action, params = {}, service = 'ec2') {
    const version = service === 'ec2' ? EC2_VERSION : ELB_VERSION;
    const body = formEncode({ Action: action, Version: version, ...params });
    const headers = await this.signedHeaders('POST', '/', '', body, service, { 'content-type': FORM });
    const res = await this.send(this.base + '/', { method: 'POST', headers, body });
    const text = await res.text();
    let doc;
    try {
      doc = parseXml(text);
    } catch {
      throw new ApiError(`HTTP ${res.status}`, 'the answer is not XML', res.status);
    }
    if (!res.ok || doc.name === 'Response' || doc.name === 'ErrorResponse') throw errorOf(doc, res.status);
    const value = doc.value || {};
    const result = value[`${action}Result`];
    return result !== undefined ? result || {} : value;
  }

  /** Calls a Describe action page by page (`nextToken` / `NextMarker`) and concatenates
   * the list `listOf(response)` of every page. */
  async all(action, params, listOf, service = 'ec2') {
    const items = [];
    let token;
    for (;;) {
      const page = { ...params };
      if (token) page[service === 'ec2' ? 'NextToken' : 'Marker'] = token;
      const r = await this.call(action, page, service);
      items.push(...arr(listOf(r)));
      token = r.nextToken || r.NextMarker;
      if (!token) return items;
    }
  }

  /** A signed GET of an openvpc extension path; returns its JSON. */
  async getJson(path, query = '') {
    const headers = await this.signedHeaders('GET', path, query, '', 'ec2');
    const url = this.base + path + (query ? `?${query}` : '');
    const res = await this.send(url, { method: 'GET', headers });
    const text = await res.text();
    if (!res.ok) {
      try {
        throw errorOf(parseXml(text), res.status);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw new ApiError(`HTTP ${res.status}`, text.slice(0, 200), res.status);
      }
    }
    return JSON.parse(text);
  }

  /** The server's change counter (differs after any change). */
  async changes() {
    return (await this.getJson('/_openvpc/changes')).changes;
  }

  /** The engine's words for an analysis's explanations (openvpc extension). */
  async explanations(analysisId) {
    return (await this.getJson('/_openvpc/explanations', `analysis=${uriEncode(analysisId)}`)).explanations;
  }
}
