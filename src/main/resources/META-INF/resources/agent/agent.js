// Carryover agent page: a Genesys Cloud interaction widget showing the customer's earlier conversations.
// Signs the agent in with Genesys Cloud (authorization code + PKCE), then reads /agent/api with the agent's token.
// Server text only ever reaches the page through textContent (search snippets: text nodes and <mark> elements).
'use strict';

(() => {
  const TOKEN_KEY = 'carryover.agent.token:';
  const PENDING_KEY = 'carryover.agent.sign-in';
  // Set while signing in again after a 401, across the redirect: a second 401 then stops instead of looping.
  const SIGNED_IN_AGAIN_KEY = 'carryover.agent.signed-in-again';
  const MESSAGE_TYPE = 'carryover.agent.sign-in';
  const POPUP_NAME = 'carryover-sign-in';
  const REDIRECT_URI = location.origin + '/agent/';
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // Not correlated yet: ask again soon, then less often.
  const POLL_FAST_MS = 5000;
  const POLL_SLOW_MS = 30000;
  const POLL_FAST_FOR_MS = 2 * 60 * 1000;

  const $ = (id) => document.getElementById(id);

  /** Failure to show as a state, not as a console error. */
  class PageState extends Error {
    constructor(state, details) {
      super(state);
      this.state = state;
      this.details = details || {};
    }
  }

  // ---- small DOM and formatting helpers

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = value;
      else if (name === 'className') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function locale(tag) {
    if (!tag) return undefined;
    try {
      return Intl.getCanonicalLocales(tag)[0];
    } catch (invalid) {
      return undefined;
    }
  }

  let dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  let timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

  function timeElement(iso, format) {
    if (!iso) return null;
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return null;
    return el('time', { datetime: iso, text: (format || dateFormat).format(date) });
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return 'still open';
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  const STATUS_LABELS = {
    pending: ['Summary pending', 'warn'],
    throttled: ['Summary delayed', 'warn'],
    patched: ['Summary sent', 'ok'],
    'no-history': ['No history', ''],
    failed: ['Summary failed', 'bad'],
  };

  function statusBadge(status) {
    if (!status) return null;
    const [label, tone] = STATUS_LABELS[status] || [status.replace(/[-_]/g, ' '), ''];
    return el('span', { className: `badge ${tone}`.trim(), title: `Enrichment status: ${status}`, text: label });
  }

  const KIND_LABELS = { OPENING_REQUEST: 'Asked', OUTCOME: 'Outcome', FOLLOW_UP: 'Open' };

  const SPEAKERS = { customer: 'Customer', agent: 'Agent', bot: 'Bot', system: 'System' };

  // ---- page states

  const NOTICES = {
    'no-conversation': ['No conversation', 'Open this page from a conversation in Genesys Cloud: its address needs the conversation id.'],
    'not-configured': ['Sign-in not configured', 'This Carryover has no Genesys Cloud OAuth client for agents. Ask your administrator to configure one.'],
    'signed-out': ['Sign in', 'Sign in with Genesys Cloud to see this customer\'s earlier conversations.'],
    'signing-in': ['Signing in', 'Finish signing in with Genesys Cloud in the window that opened.'],
    'sign-in-failed': ['Sign-in failed', 'Genesys Cloud did not sign you in. Try again.'],
    'insecure': ['Needs HTTPS', 'Sign-in needs this page to be served over HTTPS.'],
    'access-denied': ['Access denied', 'You can see a customer\'s history only while you are on their conversation (or shortly after).'],
    'not-found': ['Conversation not found', 'Genesys Cloud does not know this conversation.'],
    'unreachable': ['Carryover unreachable', 'Carryover did not answer. Check your connection, then try again.'],
    'unavailable': ['Temporarily unavailable', 'Carryover cannot check your access right now. Try again shortly.'],
    'guest': ['Guest', 'This customer is not signed in on the website, so their earlier conversations cannot be linked to them.'],
    'first-contact': ['First contact', 'This customer has no earlier conversations.'],
    'invalid': ['Request refused', 'Carryover refused this request.'],
    'not-correlated': ['Not linked yet', 'Carryover has not seen this conversation yet. Checking again every few seconds…'],
  };

  function showState(state, { action, onAction, text, announce } = {}) {
    document.body.dataset.state = state;
    const notice = NOTICES[state];
    $('notice').hidden = !notice;
    if (notice) {
      $('notice-title').textContent = notice[0];
      $('notice-text').textContent = text || notice[1];
    }
    const button = $('notice-action');
    button.hidden = !action;
    button.onclick = null;
    if (action) {
      button.textContent = action;
      button.onclick = onAction;
    }
    if (state !== 'ready') {
      for (const id of ['summary', 'search', 'timeline']) $(id).hidden = true;
    }
    $('status').textContent = announce || (notice ? notice[0] : '');
  }

  // ---- sign-in: authorization code + PKCE against Genesys Cloud's login

  function base64Url(bytes) {
    let binary = '';
    for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function randomString(byteCount) {
    return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
  }

  function readJson(storageKey) {
    try {
      return JSON.parse(sessionStorage.getItem(storageKey) || 'null');
    } catch (corrupt) {
      return null;
    }
  }

  function tokenKey(config) {
    return TOKEN_KEY + new URL(config.authorizeUrl).origin;
  }

  function storedToken(config) {
    const token = readJson(tokenKey(config));
    return token && token.expiresAt > Date.now() + 30000 ? token.accessToken : null;
  }

  async function newPending(config, mode) {
    if (!window.crypto || !crypto.subtle) throw new PageState('insecure');
    const verifier = randomString(32);
    const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const pending = {
      mode,
      state: randomString(16),
      verifier,
      challenge,
      clientId: config.clientId,
      tokenUrl: config.tokenUrl,
      tokenKey: tokenKey(config),
      returnTo: location.search,
    };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    return pending;
  }

  function authorizeUrl(config, pending) {
    const url = new URL(config.authorizeUrl);
    url.search = new URLSearchParams({
      client_id: config.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: pending.challenge,
      code_challenge_method: 'S256',
      state: pending.state,
    }).toString();
    return url.toString();
  }

  async function exchangeCode(pending, code) {
    let response;
    try {
      response = await fetch(pending.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        credentials: 'omit',
        cache: 'no-store',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          client_id: pending.clientId,
          code_verifier: pending.verifier,
        }),
      });
    } catch (network) {
      throw new PageState('sign-in-failed');
    }
    const body = response.ok ? await response.json().catch(() => null) : null;
    if (!body || typeof body.access_token !== 'string') throw new PageState('sign-in-failed');
    const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;
    sessionStorage.setItem(pending.tokenKey,
      JSON.stringify({ accessToken: body.access_token, expiresAt: Date.now() + lifetime * 1000 }));
    sessionStorage.removeItem(PENDING_KEY);
  }

  /**
   * The login page's redirect back to /agent/?code&state. Returns true when this window only relayed the code to the
   * page that opened it as a popup (framed flow); completes the sign-in here in the redirect flow.
   */
  async function completeCallback(params) {
    const state = params.get('state');
    const pending = readJson(PENDING_KEY);
    if (pending && pending.mode === 'redirect' && pending.state === state) {
      history.replaceState(null, '', REDIRECT_URI + (pending.returnTo || ''));
      if (params.has('error')) throw new PageState('sign-in-failed');
      await exchangeCode(pending, params.get('code'));
      return false;
    }
    if (window.opener && window.opener !== window) {
      // Only a page of this origin may receive the code; it checks the state before using it.
      window.opener.postMessage({ type: MESSAGE_TYPE, code: params.get('code'), state, error: params.get('error') },
        location.origin);
      document.body.dataset.state = 'signed-in-popup';
      $('status').textContent = 'Signed in. This window closes itself.';
      window.close();
      return true;
    }
    history.replaceState(null, '', REDIRECT_URI);
    throw new PageState('sign-in-failed');
  }

  let signingIn = null;

  /** Resolves once a token is stored; in the redirect flow the page navigates away instead. */
  function signIn(config) {
    if (!signingIn) {
      signingIn = (window.top === window ? signInByRedirect(config) : signInByPopup(config))
        .finally(() => { signingIn = null; });
    }
    return signingIn;
  }

  async function signInByRedirect(config) {
    const pending = await newPending(config, 'redirect');
    showState('signing-in', { text: 'Taking you to Genesys Cloud…' });
    location.assign(authorizeUrl(config, pending));
    return new Promise(() => {});
  }

  async function signInByPopup(config) {
    const pending = await newPending(config, 'popup');
    const url = authorizeUrl(config, pending);
    return new Promise((resolve, reject) => {
      let popup = null;
      let watch = null;
      const open = () => {
        popup = window.open(url, POPUP_NAME, 'popup,width=520,height=680');
        if (!popup) {
          // Blocked: a popup needs the agent's click.
          showState('signed-out', { action: 'Sign in', onAction: open });
          return;
        }
        showState('signing-in', { action: 'Open the sign-in window again', onAction: open });
        clearInterval(watch);
        watch = setInterval(() => {
          if (popup.closed) {
            clearInterval(watch);
            showState('signed-out', { action: 'Sign in', onAction: open });
          }
        }, 500);
      };
      const onMessage = (event) => {
        const data = event.data;
        if (event.origin !== location.origin || !data || data.type !== MESSAGE_TYPE || data.state !== pending.state) {
          return;
        }
        window.removeEventListener('message', onMessage);
        clearInterval(watch);
        if (data.error || !data.code) {
          reject(new PageState('sign-in-failed'));
          return;
        }
        exchangeCode(pending, data.code).then(resolve, reject);
      };
      window.addEventListener('message', onMessage);
      open();
    });
  }

  // ---- Carryover's agent API

  let config = null;
  let conversationId = null;

  async function request(path, token) {
    try {
      return await fetch(new URL(path, REDIRECT_URI), {
        headers: token ? { Authorization: `Bearer ${token}`, Accept: 'application/json' } : { Accept: 'application/json' },
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (network) {
      throw new PageState('unreachable');
    }
  }

  async function problemOf(response) {
    return response.json().catch(() => ({}));
  }

  /** GET an agent API path as the signed-in agent; signs in first, and once more on a 401. */
  async function api(path) {
    let token = storedToken(config);
    if (!token) {
      await signIn(config);
      token = storedToken(config);
    }
    let response = await request(path, token);
    if (response.status === 401) {
      sessionStorage.removeItem(tokenKey(config));
      if (sessionStorage.getItem(SIGNED_IN_AGAIN_KEY)) {
        sessionStorage.removeItem(SIGNED_IN_AGAIN_KEY);
        throw new PageState('sign-in-failed');
      }
      sessionStorage.setItem(SIGNED_IN_AGAIN_KEY, '1');
      await signIn(config);
      response = await request(path, storedToken(config));
      if (response.status === 401) {
        sessionStorage.removeItem(SIGNED_IN_AGAIN_KEY);
        throw new PageState('sign-in-failed');
      }
    }
    if (response.ok) {
      sessionStorage.removeItem(SIGNED_IN_AGAIN_KEY);
      return response.json();
    }
    const problem = await problemOf(response);
    if (response.status === 403) throw new PageState('access-denied');
    if (response.status === 404) throw new PageState('not-found', problem);
    if (response.status === 400) throw new PageState('invalid', problem);
    if (response.status === 503) {
      throw new PageState('unavailable', { retryAfter: Number(response.headers.get('Retry-After')) || null });
    }
    throw new PageState('unreachable');
  }

  async function loadConfig(hostOrigin) {
    const query = hostOrigin ? `?hostOrigin=${encodeURIComponent(hostOrigin)}` : '';
    const response = await request(`api/sign-in${query}`);
    if (response.status === 404) throw new PageState('not-configured');
    if (!response.ok) throw new PageState('unreachable');
    const body = await response.json();
    if (!body.clientId || !body.authorizeUrl || !body.tokenUrl) throw new PageState('not-configured');
    return body;
  }

  const conversationPath = () => `api/conversations/${encodeURIComponent(conversationId)}`;

  // ---- context: summary, search, timeline

  let pollTimer = null;
  let pollingSince = null;

  async function loadContext() {
    clearTimeout(pollTimer);
    const context = await api(`${conversationPath()}/context`);
    showAgent(context.agent);
    if (context.state === 'not-correlated') {
      pollingSince = pollingSince || Date.now();
      const wait = Date.now() - pollingSince < POLL_FAST_FOR_MS ? POLL_FAST_MS : POLL_SLOW_MS;
      showState('not-correlated', {
        text: `Carryover has not seen this conversation yet. Checking again every ${wait / 1000} seconds…`,
      });
      pollTimer = setTimeout(() => run(loadContext), wait);
      return;
    }
    pollingSince = null;
    if (context.state === 'guest' || context.state === 'first-contact') {
      showState(context.state);
      return;
    }
    renderReady(context);
  }

  function showAgent(agent) {
    if (!agent || !agent.name) return;
    $('who').hidden = false;
    $('who').textContent = `Signed in as ${agent.name}`;
  }

  function renderReady(context) {
    const conversations = Array.isArray(context.conversations) ? context.conversations : [];
    renderSummary(context.summary, conversations);
    renderTimeline(conversations);
    showState('ready', {
      announce: `${conversations.length} earlier conversation${conversations.length === 1 ? '' : 's'}`,
    });
    $('summary').hidden = !context.summary;
    $('search').hidden = false;
    $('timeline').hidden = false;
    // Navigation start → timeline on screen, read by the benchmark (agent-page phase).
    requestAnimationFrame(() => {
      performance.mark('carryover-timeline-rendered');
      document.body.dataset.ready = 'true';
    });
  }

  function renderSummary(summary, conversations) {
    if (!summary) return;
    $('summary-headline').textContent = summary.headline || '';
    const known = new Map(conversations.map((c) => [c.id, c]));
    const items = document.createDocumentFragment();
    // A CONVERSATION line heads the lines about that conversation, which follow it.
    let group = null;
    for (const [index, line] of (summary.lines || []).entries()) {
      const label = KIND_LABELS[line.kind];
      const item = el('li', { className: `line ${line.kind === 'CONVERSATION' ? 'conversation' : ''}`.trim(), 'data-line': index },
        label ? el('span', { className: 'kind', text: `${label}: ` }) : null,
        el('span', { text: line.text }));
      const cited = known.get(line.conversationId);
      const messageIds = Array.isArray(line.messageIds) ? line.messageIds : [];
      if (cited && messageIds.length > 0) {
        const count = messageIds.length;
        const link = el('a', {
          className: 'cite',
          href: `#conversation-${line.conversationId}`,
          text: count === 1 ? 'cited message' : `${count} cited messages`,
        });
        link.addEventListener('click', (event) => {
          event.preventDefault();
          showCited(line.conversationId, messageIds);
        });
        item.append(' ', link);
      }
      if (line.kind === 'CONVERSATION') {
        group = el('ul');
        item.append(group);
        items.append(item);
      } else {
        (group || items).append(item);
      }
    }
    $('summary-lines').replaceChildren(items);
  }

  function renderTimeline(conversations) {
    const items = document.createDocumentFragment();
    for (const conversation of conversations) items.append(timelineItem(conversation));
    $('timeline-list').replaceChildren(items);
  }

  function timelineItem(c) {
    const facts = [duration(c.durationSeconds)];
    if (Array.isArray(c.agents) && c.agents.length > 0) facts.push(c.agents.join(', '));
    facts.push(`${c.messageCount} message${c.messageCount === 1 ? '' : 's'}`);
    const summary = el('summary', null,
      el('span', { className: 'entry' },
        el('span', { className: 'top' },
          el('span', { className: 'when' }, timeElement(c.startedAt) || 'Unknown date'),
          statusBadge(c.enrichmentStatus)),
        el('span', { className: 'facts', text: facts.join(' · ') }),
        c.outcome ? el('span', { className: 'outcome', text: c.outcome }) : null));
    const details = el('details', { id: `conversation-${c.id}` }, summary,
      el('div', { className: 'transcript', 'aria-live': 'polite' }));
    details.dataset.conversationId = c.id;
    return el('li', null, details);
  }

  // Transcripts are fetched when first expanded (toggle does not bubble: listen while capturing).
  const transcripts = new Map();

  function transcript(details) {
    const id = details.dataset.conversationId;
    if (!transcripts.has(id)) {
      const body = details.querySelector('.transcript');
      body.replaceChildren(el('p', { className: 'muted', text: 'Loading transcript…' }));
      const loading = api(`${conversationPath()}/conversations/${encodeURIComponent(id)}/messages`)
        .then((data) => {
          body.replaceChildren(messageList(data.messages || []));
        })
        .catch((failure) => {
          transcripts.delete(id);
          const retry = el('button', { type: 'button', className: 'quiet', text: 'Try again' });
          retry.addEventListener('click', () => transcript(details));
          const reason = failure instanceof PageState && failure.state === 'access-denied'
            ? 'Access denied.' : 'The transcript could not be loaded.';
          body.replaceChildren(el('p', null, reason, ' ', retry));
          if (failure instanceof PageState && failure.state === 'access-denied') throw failure;
        });
      transcripts.set(id, loading);
    }
    return transcripts.get(id);
  }

  function messageList(messages) {
    if (messages.length === 0) return el('p', { className: 'muted', text: 'No messages.' });
    const list = el('ol', { className: 'messages' });
    const items = document.createDocumentFragment();
    for (const m of messages) {
      const from = SPEAKERS[m.from] ? m.from : 'system';
      items.append(el('li', { id: `message-${m.id}`, className: `message from-${from}`, tabindex: '-1' },
        el('span', { className: 'who', text: SPEAKERS[from] }),
        timeElement(m.time, timeFormat),
        el('p', { className: 'text', text: m.text || '' })));
    }
    list.append(items);
    return list;
  }

  async function showCited(id, messageIds) {
    const details = $(`conversation-${id}`);
    if (!details) return;
    details.open = true;
    await run(() => transcript(details));
    for (const previous of document.querySelectorAll('.message.cited')) {
      previous.classList.remove('cited');
      previous.removeAttribute('aria-current');
    }
    const found = messageIds.map((messageId) => $(`message-${messageId}`)).filter(Boolean);
    for (const message of found) {
      message.classList.add('cited');
      message.setAttribute('aria-current', 'true');
    }
    if (found.length > 0) {
      found[0].scrollIntoView({ block: 'center' });
      found[0].focus({ preventScroll: true });
    }
    $('status').textContent = `${found.length} cited message${found.length === 1 ? '' : 's'} highlighted`;
  }

  // ---- search

  const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

  function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return ENTITIES[name.toLowerCase()] || entity;
    });
  }

  /** The server's snippet is escaped text with <mark>…</mark> pairs: only those become elements. */
  function snippetNodes(snippet) {
    const nodes = document.createDocumentFragment();
    let mark = null;
    for (const part of String(snippet).split(/(<mark>|<\/mark>)/)) {
      if (part === '<mark>') {
        mark = el('mark');
        nodes.append(mark);
      } else if (part === '</mark>') {
        mark = null;
      } else if (part) {
        (mark || nodes).append(document.createTextNode(decodeEntities(part)));
      }
    }
    return nodes;
  }

  async function search(event) {
    event.preventDefault();
    const query = $('search-query').value.trim();
    const hits = $('search-hits');
    if (!query) {
      hits.replaceChildren();
      $('status').textContent = 'Type words to search for.';
      return;
    }
    $('status').textContent = 'Searching…';
    let result;
    try {
      result = await api(`${conversationPath()}/search?q=${encodeURIComponent(query)}&limit=20`);
    } catch (failure) {
      if (failure instanceof PageState && failure.state === 'invalid') {
        hits.replaceChildren();
        $('status').textContent = failure.details.type === 'urn:carryover:problem:query-too-long'
          ? 'That search is too long.' : 'That search cannot be run.';
        return;
      }
      throw failure;
    }
    const items = document.createDocumentFragment();
    for (const hit of result.hits || []) {
      const link = el('a', { href: `#message-${hit.messageId}` }, timeElement(hit.time),
        el('span', { className: 'snippet' }, snippetNodes(hit.snippet)));
      link.addEventListener('click', (click) => {
        click.preventDefault();
        showCited(hit.conversationId, [hit.messageId]);
      });
      items.append(el('li', null, link));
    }
    hits.replaceChildren(items);
    const count = (result.hits || []).length;
    $('status').textContent = count === 0 ? `No results for “${query}”.`
      : `${count} result${count === 1 ? '' : 's'} for “${query}”.`;
  }

  // ---- start

  /** Runs a step; a PageState becomes the page's state. */
  async function run(step) {
    try {
      return await step();
    } catch (failure) {
      if (!(failure instanceof PageState)) throw failure;
      showFailure(failure);
      return undefined;
    }
  }

  function showFailure(failure) {
    const retry = { action: 'Try again', onAction: () => run(start) };
    if (failure.state === 'unavailable' && failure.details.retryAfter) {
      showState('unavailable', {
        ...retry,
        text: `Carryover cannot check your access right now. Try again in ${failure.details.retryAfter} seconds.`,
      });
    } else if (['unreachable', 'unavailable', 'sign-in-failed'].includes(failure.state)) {
      showState(failure.state, retry);
    } else {
      showState(failure.state);
    }
  }

  let hostOrigin = null;

  async function start() {
    showState('loading', { announce: 'Loading…' });
    if (!config) config = await loadConfig(hostOrigin);
    await loadContext();
  }

  function applyTheme(params) {
    const theme = params.get('theme');
    if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;
  }

  async function main() {
    const callback = new URLSearchParams(location.search);
    let signInFailure = null;
    if (callback.has('state') && (callback.has('code') || callback.has('error'))) {
      try {
        if (await completeCallback(callback)) return;
      } catch (failure) {
        if (!(failure instanceof PageState)) throw failure;
        signInFailure = failure;
      }
    }
    // After a redirect sign-in, the widget's own parameters are back in the address.
    const params = new URLSearchParams(location.search);
    applyTheme(params);
    const lang = locale(params.get('gcLangTag'));
    if (lang) {
      dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
      timeFormat = new Intl.DateTimeFormat(lang, { timeStyle: 'short' });
    }
    conversationId = params.get('conversationid') || params.get('pcConversationId') || params.get('gcConversationId');
    hostOrigin = params.get('gcHostOrigin');
    $('search-form').addEventListener('submit', (event) => run(() => search(event)));
    $('timeline-list').addEventListener('toggle', (event) => {
      if (event.target.open && event.target.dataset.conversationId) run(() => transcript(event.target));
    }, true);
    if (!conversationId || !UUID.test(conversationId)) {
      showState('no-conversation');
      return;
    }
    if (signInFailure) {
      showFailure(signInFailure);
      return;
    }
    await run(start);
  }

  main();
})();
