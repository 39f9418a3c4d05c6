// Shroud's dashboard. Everything it shows comes from /shroud/v1/ with the node's token, which it
// takes from the address's fragment (#token=…, never sent to the server) or the login field and
// keeps in this tab's sessionStorage. Text from the network (names, errors) is only ever set as
// textContent, never as HTML.
'use strict';
(() => {
  const TOKEN_KEY = 'shroud-token';
  const ACTIVE = ['STARTING', 'FETCHING_METADATA', 'FINDING_PROVIDERS', 'FETCHING_PIECE_LAYER', 'DOWNLOADING'];
  const ENDED = ['COMPLETE', 'CANCELLED'];
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);
  let token = null;
  let pollTimer = null;
  const finishedMaps = new Set();

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // ---- the token -------------------------------------------------------------------------------

  function takeToken() {
    const hash = location.hash;
    if (hash.startsWith('#token=')) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(hash.slice('#token='.length)));
      history.replaceState(null, '', location.pathname + location.search + '#downloads');
    }
    token = sessionStorage.getItem(TOKEN_KEY);
  }

  function showLoggedIn(loggedIn) {
    $('login').hidden = loggedIn;
    $('tabs').hidden = !loggedIn;
    $('logout').hidden = !loggedIn;
    $('status').hidden = !loggedIn;
    for (const s of document.querySelectorAll('section.tab')) {
      s.hidden = !loggedIn || s.id !== currentTab();
    }
  }

  function logout(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    clearTimeout(pollTimer);
    showLoggedIn(false);
    if (message) {
      say(message, true);
    }
  }

  // ---- requests --------------------------------------------------------------------------------

  async function api(method, path, body, contentType) {
    const headers = { Authorization: 'Bearer ' + token };
    let payload;
    if (method !== 'GET') {
      // the node takes a change only as JSON (or a .torrent): a cross-site form cannot send either
      headers['Content-Type'] = contentType || 'application/json';
      payload = contentType ? body : JSON.stringify(body === undefined ? {} : body);
    }
    const rsp = await fetch(path, { method, headers, body: payload, cache: 'no-store', credentials: 'omit', redirect: 'error' });
    let json = null;
    try {
      json = await rsp.json();
    } catch (e) {
      json = null;
    }
    if (rsp.status === 401) {
      logout('The node refused the token: log in again.');
      throw new ApiError(401, 'not logged in');
    }
    if (!rsp.ok) {
      throw new ApiError(rsp.status, (json && json.error) || rsp.statusText || ('HTTP ' + rsp.status));
    }
    return json;
  }

  function say(text, isError) {
    const m = $('message');
    m.textContent = text;
    m.className = isError ? 'error' : '';
    m.hidden = !text;
  }

  async function act(what, fn) {
    try {
      await fn();
      say('');
    } catch (e) {
      if (e.status !== 401) {
        say(what + ': ' + e.message, true);
      }
    }
  }

  // ---- formatting ------------------------------------------------------------------------------

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
    return Math.floor(seconds / 86400) + ' d';
  }

  const short = (hex) => (hex ? hex.slice(0, 12) + '…' : '—');

  function fromTemplate(id) {
    return $(id).content.firstElementChild.cloneNode(true);
  }

  function setText(root, selector, text) {
    root.querySelector(selector).textContent = text;
  }

  function rows(tbody, data, cells) {
    tbody.replaceChildren(...data.map((item) => {
      const tr = document.createElement('tr');
      for (const text of cells(item)) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      }
      return tr;
    }));
  }

  // ---- tabs ------------------------------------------------------------------------------------

  function currentTab() {
    const name = location.hash.slice(1);
    return ['downloads', 'shares', 'circuits', 'node'].includes(name) ? name : 'downloads';
  }

  function showTab() {
    const tab = currentTab();
    for (const a of document.querySelectorAll('#tabs a')) {
      a.classList.toggle('active', a.dataset.tab === tab);
    }
    for (const s of document.querySelectorAll('section.tab')) {
      s.hidden = !token || s.id !== tab;
    }
  }

  // ---- polling ---------------------------------------------------------------------------------

  async function poll() {
    clearTimeout(pollTimer);
    if (!token) return;
    try {
      const [node, peers] = await Promise.all([api('GET', '/shroud/v1/node'), api('GET', '/shroud/v1/peers')]);
      renderStatus(node, peers);
      const tab = currentTab();
      if (tab === 'downloads') await refreshDownloads();
      if (tab === 'shares') renderShares((await api('GET', '/shroud/v1/shares')).shares);
      if (tab === 'circuits') renderCircuits(await api('GET', '/shroud/v1/circuits'));
      if (tab === 'node') renderNode(node, peers);
    } catch (e) {
      if (e.status === 401) return;
      say('The node does not answer: ' + e.message, true);
    }
    pollTimer = setTimeout(poll, POLL_MS);
  }

  function renderStatus(node, peers) {
    $('node-id').textContent = short(node.nodeId);
    $('node-id').title = node.nodeId;
    $('node-status').textContent = node.selfStatus + ' · ' + node.membersUp + ' members up';
    $('node-directory').textContent = String(node.directorySize);
    $('node-links').textContent = String(peers.stats.openLinks);
    $('node-uptime').textContent = duration(node.uptimeSeconds);
  }

  // ---- downloads -------------------------------------------------------------------------------

  async function refreshDownloads() {
    const list = (await api('GET', '/shroud/v1/downloads')).downloads;
    renderDownloads(list);
    await Promise.all(list.filter((d) => !finishedMaps.has(d.id)).map(async (d) => {
      try {
        const map = await api('GET', '/shroud/v1/downloads/' + encodeURIComponent(d.id) + '/pieces');
        drawPieceMap(cardOf(d.id), map);
        if (ENDED.includes(d.state)) finishedMaps.add(d.id);
      } catch (e) {
        if (e.status !== 404) throw e;
      }
    }));
  }

  function cardOf(id) {
    return [...$('download-list').children].find((c) => c.dataset.id === id);
  }

  function renderDownloads(list) {
    const box = $('download-list');
    $('no-downloads').hidden = list.length > 0;
    const seen = new Set(list.map((d) => d.id));
    for (const card of [...box.children]) {
      if (!seen.has(card.dataset.id)) card.remove();
    }
    for (const d of list) {
      let card = cardOf(d.id);
      if (!card) {
        card = fromTemplate('download-template');
        card.dataset.id = d.id;
        card.querySelector('.pause').addEventListener('click', () => lifecycle(d.id, 'POST', '/pause', 'Pause'));
        card.querySelector('.resume').addEventListener('click', () => lifecycle(d.id, 'POST', '/resume', 'Resume'));
        card.querySelector('.cancel').addEventListener('click', () => {
          if (confirm('Cancel this download and delete what it fetched?')) lifecycle(d.id, 'DELETE', '', 'Cancel');
        });
        box.appendChild(card);
      }
      updateDownload(card, d);
    }
  }

  function percentOf(d) {
    if (d.state === 'COMPLETE') return 100;
    if (!d.bytesTotal) return 0;
    return Math.min(100, Math.floor((d.bytesDone * 100) / d.bytesTotal));
  }

  function updateDownload(card, d) {
    const percent = percentOf(d);
    card.className = 'card download ' + d.state;
    card.dataset.state = d.state;
    setText(card, '.name', d.name || d.infoHash || d.id);
    const state = card.querySelector('.state');
    state.textContent = d.state;
    state.className = 'state ' + d.state;
    const bar = card.querySelector('.progress');
    bar.setAttribute('aria-valuenow', String(percent));
    bar.querySelector('.fill').style.width = percent + '%';
    setText(card, '.percent', percent + '%');
    setText(card, '.bytes', bytes(d.bytesDone) + ' of ' + (d.bytesTotal ? bytes(d.bytesTotal) : '?')
      + ' · ' + d.piecesDone + '/' + (d.piecesTotal || '?') + ' pieces');
    setText(card, '.rate', ACTIVE.includes(d.state) ? bytes(d.rate) + '/s' : '—');
    const sha = card.querySelector('.sha256');
    sha.hidden = !d.sha256;
    sha.querySelector('.sha256-value').textContent = d.sha256 || '';
    const error = card.querySelector('.error');
    error.hidden = !d.error;
    error.textContent = d.error || '';
    setText(card, '.path', d.outputPath || '');
    setText(card, '.source-count', String(d.sources.length));
    card.querySelector('.sources').replaceChildren(...d.sources.map((s) => {
      const li = document.createElement('li');
      li.textContent = short(s.nodeId) + ' ' + s.state + ' · ' + bytes(s.rate) + '/s'
        + (s.strikes ? ' · ' + s.strikes + ' strikes' : '') + (s.banned ? ' · banned' : '');
      return li;
    }));
    card.querySelector('.pause').disabled = !ACTIVE.includes(d.state);
    card.querySelector('.resume').disabled = d.state !== 'PAUSED';
    card.querySelector('.cancel').disabled = ENDED.includes(d.state);
  }

  function drawPieceMap(card, map) {
    if (!card) return;
    const canvas = card.querySelector('.piece-map');
    const width = Math.max(1, Math.round(canvas.clientWidth * (window.devicePixelRatio || 1)));
    const height = canvas.height;
    canvas.width = width;
    canvas.dataset.total = String(map.piecesTotal);
    canvas.dataset.done = String(map.piecesDone);
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, width, height);
    const n = map.piecesTotal;
    if (!n) return;
    const raw = atob(map.bitfield || '');
    const has = (i) => (raw.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;
    const color = getComputedStyle(document.documentElement).getPropertyValue('--fill').trim() || '#3b82c4';
    ctx.fillStyle = color;
    for (let x = 0; x < width; x++) {
      const from = Math.floor((x * n) / width);
      const to = Math.max(from + 1, Math.floor(((x + 1) * n) / width));
      let done = 0;
      for (let i = from; i < to; i++) done += has(i);
      if (done) {
        ctx.globalAlpha = 0.25 + (0.75 * done) / (to - from);
        ctx.fillRect(x, 0, 1, height);
      }
    }
    ctx.globalAlpha = 1;
  }

  async function lifecycle(id, method, suffix, what) {
    await act(what, async () => {
      const d = await api(method, '/shroud/v1/downloads/' + encodeURIComponent(id) + suffix);
      const card = cardOf(id);
      if (card) updateDownload(card, d);
    });
  }

  async function addLink(event) {
    event.preventDefault();
    await act('Adding the link', async () => {
      const link = $('link-input').value.trim();
      const output = $('output-input').value.trim();
      if (!link || !output) throw new ApiError(0, 'give a link and where to save it');
      await api('POST', '/shroud/v1/downloads', { link, output, hops: Number($('hops-input').value) });
      $('link-input').value = '';
      $('output-input').value = '';
      await refreshDownloads();
    });
  }

  async function addTorrent(event) {
    event.preventDefault();
    await act('Adding the .torrent', async () => {
      const file = $('torrent-input').files[0];
      const output = $('torrent-output-input').value.trim();
      if (!file || !output) throw new ApiError(0, 'choose a .torrent file and where to save it');
      const query = '?output=' + encodeURIComponent(output) + '&hops=' + encodeURIComponent($('hops-input').value);
      await api('POST', '/shroud/v1/downloads' + query, await file.arrayBuffer(), 'application/x-bittorrent');
      $('torrent-input').value = '';
      $('torrent-output-input').value = '';
      await refreshDownloads();
    });
  }

  // ---- shares ----------------------------------------------------------------------------------

  function renderShares(list) {
    const box = $('share-list');
    $('no-shares').hidden = list.length > 0;
    const seen = new Set(list.map((s) => s.infoHash));
    for (const card of [...box.children]) {
      if (!seen.has(card.dataset.id)) card.remove();
    }
    for (const s of list) {
      let card = [...box.children].find((c) => c.dataset.id === s.infoHash);
      if (!card) {
        card = fromTemplate('share-template');
        card.dataset.id = s.infoHash;
        card.querySelector('.show-link').addEventListener('click', () => act('Reading the link', async () => {
          showLink((await api('GET', '/shroud/v1/shares/' + s.infoHash + '/link')).link);
        }));
        card.querySelector('.remove').addEventListener('click', () => {
          if (!confirm('Stop sharing this file? Its link stops working; the file itself stays.')) return;
          act('Stopping the share', async () => {
            await api('DELETE', '/shroud/v1/shares/' + s.infoHash);
            card.remove();
          });
        });
        box.appendChild(card);
      }
      setText(card, '.name', s.name);
      setText(card, '.kind', s.encrypted ? 'encrypted' : 'public');
      setText(card, '.details', bytes(s.length) + ' · ' + s.pieces + ' pieces of ' + bytes(s.pieceLength)
        + ' · shared ' + new Date(s.addedAt).toLocaleString());
      setText(card, '.path', s.path);
      const stale = card.querySelector('.stale');
      stale.hidden = !s.stale;
      stale.textContent = s.stale ? 'Not served: ' + (s.staleReason || 'the file changed') : '';
    }
  }

  function showLink(link) {
    $('new-link-text').value = link;
    $('new-link').hidden = false;
  }

  async function addShare(event) {
    event.preventDefault();
    await act('Sharing', async () => {
      const path = $('share-path-input').value.trim();
      if (!path) throw new ApiError(0, 'give the path of a file on the node');
      const share = await api('POST', '/shroud/v1/shares', { path, public: $('share-public-input').checked });
      $('share-path-input').value = '';
      showLink(share.link);
      renderShares((await api('GET', '/shroud/v1/shares')).shares);
    });
  }

  async function copyLink() {
    const text = $('new-link-text');
    try {
      await navigator.clipboard.writeText(text.value);
    } catch (e) {
      text.select();
      document.execCommand('copy');
    }
    say('Link copied.');
  }

  function dismissLink() {
    $('new-link-text').value = '';
    $('new-link').hidden = true;
  }

  // ---- circuits and the node -------------------------------------------------------------------

  function renderCircuits(c) {
    const built = c.circuits.filter((x) => x.state !== 'CLOSED');
    $('no-circuits').hidden = built.length > 0;
    rows($('circuit-table').tBodies[0], built, (x) => [x.id, String(x.path.length), duration(x.ageMillis / 1000),
      x.state, x.cellsOut + ' / ' + x.cellsIn]);
    $('relay-count').textContent = c.relays.length + (c.relays.length === 1 ? ' hop' : ' hops')
      + ' of other nodes\u2019 circuits pass through this node.';
  }

  function renderNode(node, peers) {
    rows($('member-table').tBodies[0], node.members, (m) => [m.address, m.status, m.reachable ? 'yes' : 'no']);
    rows($('peer-table').tBodies[0], peers.peers, (p) => [short(p.nodeId), p.direction, duration(p.ageSeconds),
      p.rttMillis == null ? '—' : p.rttMillis.toFixed(1) + ' ms']);
  }

  // ---- start -----------------------------------------------------------------------------------

  function start() {
    takeToken();
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token-input').value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      token = value;
      $('token-input').value = '';
      say('');
      showLoggedIn(true);
      poll();
    });
    $('logout').addEventListener('click', () => logout('Logged out.'));
    $('add-link-form').addEventListener('submit', addLink);
    $('add-torrent-form').addEventListener('submit', addTorrent);
    $('add-share-form').addEventListener('submit', addShare);
    $('copy-link-button').addEventListener('click', copyLink);
    $('dismiss-link-button').addEventListener('click', dismissLink);
    window.addEventListener('hashchange', () => {
      // an address with a new #token= opened in this tab changes only the fragment
      const hadToken = Boolean(token);
      takeToken();
      if (token && !hadToken) showLoggedIn(true);
      showTab();
      poll();
    });
    showLoggedIn(Boolean(token));
    showTab();
    if (token) poll();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
