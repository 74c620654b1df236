// AWS Signature Version 4 (header form), as the AWS SDKs sign non-S3 requests.
//
// The console is a client of the public API like any other: every request it sends is
// signed here, in the browser. Without --credentials the server reads only the access key
// id (the account); with them, it verifies the signature.

import { hmacSha256, sha256 } from './sha256.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const encoder = new TextEncoder();
const bytes = (s) => (typeof s === 'string' ? encoder.encode(s) : s);

/** Hashing in plain JavaScript (any context). */
export const plainCrypto = {
  async sha256(data) {
    return sha256(bytes(data));
  },
  async hmac(key, data) {
    return hmacSha256(bytes(key), bytes(data));
  },
};

const subtle = globalThis.crypto && globalThis.crypto.subtle;

/** Hashing with WebCrypto (secure contexts only), or null where the page has none. */
export const webCrypto = subtle
  ? {
      async sha256(data) {
        return new Uint8Array(await subtle.digest('SHA-256', bytes(data)));
      },
      async hmac(key, data) {
        const k = await subtle.importKey('raw', bytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        return new Uint8Array(await subtle.sign('HMAC', k, bytes(data)));
      },
    }
  : null;

export const defaultCrypto = webCrypto || plainCrypto;

export function hex(data) {
  let s = '';
  for (const b of data) s += b.toString(16).padStart(2, '0');
  return s;
}

/** RFC 3986 encoding: every byte but `A-Z a-z 0-9 - _ . ~` (and `/` when asked). */
export function uriEncode(text, keepSlash = false) {
  const encoded = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/** The canonical URI of a (decoded) path: dot segments and empty segments removed,
 * each segment URI-encoded. */
export function canonicalPath(path) {
  const out = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(uriEncode(seg));
  }
  const trailing = path.endsWith('/') && out.length > 0 ? '/' : '';
  return '/' + out.join('/') + trailing;
}

function decodeComponent(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The canonical query string of a query as sent (`a=1&b=2`, without `?`). */
export function canonicalQuery(query) {
  if (!query) return '';
  const pairs = query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      const [k, v] = i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
      return [uriEncode(decodeComponent(k)), uriEncode(decodeComponent(v))];
    });
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Lower-case names, values trimmed with inner runs of spaces folded, sorted by name. */
function canonicalHeaders(headers) {
  const list = Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v).trim().replace(/\s+/g, ' ')]);
  list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    text: list.map(([k, v]) => `${k}:${v}\n`).join(''),
    signed: list.map(([k]) => k).join(';'),
  };
}

/** `YYYYMMDD'T'HHMMSS'Z'` of a Date. */
export function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

let cachedKey = null;

async function signingKey(crypto, secret, date, region, service) {
  const id = [secret, date, region, service].join('\n');
  if (cachedKey && cachedKey.id === id && cachedKey.crypto === crypto) return cachedKey.key;
  let key = await crypto.hmac('AWS4' + secret, date);
  for (const part of [region, service, 'aws4_request']) key = await crypto.hmac(key, part);
  cachedKey = { id, crypto, key };
  return key;
}

/**
 * Signs a request. `headers` are the headers to sign (they must include `host`;
 * `x-amz-date` is added from `date` when absent); `path` is the decoded path, `query`
 * the query string as sent. Returns the `Authorization` value and the intermediate
 * strings (for tests and for telling a user why a signature differs).
 */
export async function sign({
  method,
  path = '/',
  query = '',
  headers,
  body = '',
  region,
  service,
  accessKeyId,
  secretAccessKey,
  sessionToken,
  date = new Date(),
  crypto = defaultCrypto,
}) {
  const all = { ...headers };
  const names = Object.keys(all).map((k) => k.toLowerCase());
  const stamp = names.includes('x-amz-date') ? all[Object.keys(all).find((k) => k.toLowerCase() === 'x-amz-date')] : amzDate(date);
  if (!names.includes('x-amz-date')) all['x-amz-date'] = stamp;
  if (sessionToken && !names.includes('x-amz-security-token')) all['x-amz-security-token'] = sessionToken;
  const { text, signed } = canonicalHeaders(all);
  const canonicalRequest = [
    method.toUpperCase(),
    canonicalPath(path),
    canonicalQuery(query),
    text,
    signed,
    hex(await crypto.sha256(body)),
  ].join('\n');
  const day = stamp.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, stamp, scope, hex(await crypto.sha256(canonicalRequest))].join('\n');
  const key = await signingKey(crypto, secretAccessKey, day, region, service);
  const signature = hex(await crypto.hmac(key, stringToSign));
  return {
    authorization: `${ALGORITHM} Credential=${accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
    headers: all,
    signature,
    signedHeaders: signed,
    canonicalRequest,
    stringToSign,
  };
}
