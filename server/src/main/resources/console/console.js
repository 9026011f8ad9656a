// The renewal console: a client of the public HTTP/JSON API (/v1, same origin) and nothing more.
// Prices, validity and refusals all come from the server; this file only asks, shows and
// translates enum names into words. No framework, no build step, no inline script (CSP).
'use strict';

(() => {
  const KEY_STORAGE = 'renewal.console.apiKey';
  const PAGE_SIZE = 20;
  const LEDGER_PAGE_SIZE = 10;
  const FEED_SHOWN = 50;
  const FORECAST_HORIZON_DAYS = 90;
  const DAY_MS = 86400000;

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------------------
  // Words for the API's enum names (presentation only).

  const STATE_WORDS = {
    RUNNING: 'Running',
    ISOLATED: 'Isolated (expired)',
    RELEASED: 'Released',
  };
  const CHARGE_WORDS = { PREPAID: 'Prepaid', POSTPAID_BY_HOUR: 'Postpaid (hourly)' };
  const RECORD_WORDS = {
    RENEW: 'Renewal',
    AUTO_RENEW: 'Auto-renewal',
    UNIFIED_EXPIRY: 'Same expiry date',
    BANDWIDTH_UPGRADE: 'Bandwidth upgrade',
    TOP_UP: 'Top-up',
  };
  const REASON_WORDS = {
    INSUFFICIENT_BALANCE: 'Insufficient balance',
    INSTANCE_ISOLATED: 'Instance isolated',
    INSTANCE_RELEASED: 'Instance released',
    NOT_PREPAID: 'Not a prepaid instance',
    INVALID_PERIOD: 'Invalid period',
    INVALID_BANDWIDTH: 'Invalid bandwidth',
    INVALID_EXPIRY_DAY: 'Invalid day',
    INSTANCE_NOT_FOUND: 'Instance not found',
    MISSING_CREDENTIALS: 'No key',
    INVALID_CREDENTIALS: 'Key not accepted',
    TENANT_KEY_REQUIRED: 'This is an admin key; sign in with a tenant key',
    RATE_LIMITED: 'Too many requests',
    REQUEST_IN_PROGRESS: 'Still being processed; try again',
    CONCURRENT_MODIFICATION: 'Changed by someone else meanwhile; try again',
    IDEMPOTENCY_KEY_REUSED: 'This payment was already made with other settings',
    DATABASE_UNAVAILABLE: 'Service temporarily unavailable',
  };

  function renewFlagWords(flag, periodMonths) {
    switch (flag) {
      case 'NOTIFY_AND_AUTO_RENEW':
        return periodMonths ? `Auto-renew every ${months(periodMonths)}` : 'Auto-renew';
      case 'DISABLE_NOTIFY_AND_MANUAL_RENEW':
        return 'Manual, no reminders';
      case 'NOTIFY_AND_MANUAL_RENEW':
        return 'Manual, with reminders';
      default:
        return flag || '–';
    }
  }

  function eventWords(e) {
    const id = e.instanceId || 'account';
    const until = e.expiredTime ? ` until ${formatTime(e.expiredTime)}` : '';
    switch (e.type) {
      case 'REMINDER': return `Reminder: ${id} expires in ${e.daysBefore} day(s)`;
      case 'RENEWED': return `${id} renewed${until}`;
      case 'AUTO_RENEWED': return `${id} auto-renewed${until}`;
      case 'AUTO_RENEW_FAILED': return `Auto-renewal of ${id} failed (balance)`;
      case 'ISOLATED': return `${id} isolated (expired)`;
      case 'RELEASED': return `${id} released`;
      case 'RENEW_FLAG_CHANGED': return `Renewal setting of ${id} changed`;
      case 'EXPIRY_ALIGNED': return `${id} aligned${until}`;
      case 'TERMINATED': return `${id} terminated`;
      default: return `${e.type} ${id}`;
    }
  }

  const months = (n) => `${n} month${Number(n) === 1 ? '' : 's'}`;

  // ---------------------------------------------------------------------------------------------
  // Money (google.type.Money: units as a decimal string, nanos) and time, exactly.

  const NANOS = 1000000000n;

  function moneyNanos(m) {
    if (!m) return 0n;
    return BigInt(m.units || '0') * NANOS + BigInt(m.nanos || 0);
  }

  function formatNanos(total, currency) {
    const negative = total < 0n;
    const abs = negative ? -total : total;
    const units = (abs / NANOS).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    let fraction = (abs % NANOS).toString().padStart(9, '0').replace(/0+$/, '');
    fraction = fraction.padEnd(2, '0');
    return `${negative ? '−' : ''}${currency || 'CNY'} ${units}.${fraction}`;
  }

  const formatMoney = (m) => (m ? formatNanos(moneyNanos(m), m.currencyCode) : '–');

  function sumMoney(list) {
    return list.reduce((acc, m) => acc + moneyNanos(m), 0n);
  }

  let zone = 'UTC';

  // An instant as "YYYY-MM-DD HH:MM" in the account's billing time zone.
  function formatTime(iso) {
    if (!iso) return '–';
    const parts = {};
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(new Date(iso)).forEach((p) => { parts[p.type] = p.value; });
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  }

  function timeElement(iso) {
    const t = document.createElement('time');
    t.dateTime = iso || '';
    t.textContent = formatTime(iso);
    return t;
  }

  // Whole days from now until the instant (negative once past); display only.
  const daysUntil = (iso) => Math.floor((Date.parse(iso) - Date.now()) / DAY_MS);

  // ---------------------------------------------------------------------------------------------
  // The API: JSON over fetch with the key in the Authorization header; errors as google.rpc.Status.

  class ApiError extends Error {
    constructor(httpStatus, body) {
      const status = body && typeof body === 'object' ? body : {};
      super(status.message || `HTTP ${httpStatus}`);
      this.httpStatus = httpStatus;
      this.details = Array.isArray(status.details) ? status.details : [];
      const info = this.details.find((d) => (d['@type'] || '').endsWith('google.rpc.ErrorInfo'));
      this.reason = info ? info.reason : '';
      this.metadata = (info && info.metadata) || {};
      const bad = this.details.find((d) => (d['@type'] || '').endsWith('google.rpc.BadRequest'));
      this.violations = (bad && bad.fieldViolations) || [];
    }

    // "Reason in words: the server's message".
    words() {
      const title = REASON_WORDS[this.reason];
      return title ? `${title}: ${this.message}` : this.message;
    }

    // The instance ids the refusal names (ErrorInfo metadata instanceIds / instanceId).
    instanceIds() {
      const ids = this.metadata.instanceIds || this.metadata.instanceId || '';
      return ids ? ids.split(',').map((s) => s.trim()).filter(Boolean) : [];
    }
  }

  let apiKey = null;

  async function api(method, path, body, signal) {
    const headers = { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store', signal };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    const text = await res.text();
    let json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch (e) {
      json = { message: text.slice(0, 200) };
    }
    if (!res.ok) {
      if (res.status === 401) signOut(new ApiError(res.status, json).words());
      throw new ApiError(res.status, json);
    }
    return json;
  }

  function query(params) {
    const q = new URLSearchParams();
    Object.entries(params).forEach(([k, v]) => {
      if (v === undefined || v === null || v === '') return;
      (Array.isArray(v) ? v : [v]).forEach((x) => q.append(k, String(x)));
    });
    const s = q.toString();
    return s ? `?${s}` : '';
  }

  // An idempotency token: crypto.randomUUID where the page is a secure context, else the same
  // shape from getRandomValues (which plain-HTTP pages also have).
  function newToken() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // A definite "no" (nothing was done): retrying needs a new token. Not so for a lost answer,
  // ABORTED (409) or the rate limit (429), which are retried with the same token.
  const isRefusal = (e) => e instanceof ApiError && [400, 403, 404].includes(e.httpStatus);

  function networkWords(e) {
    return e instanceof ApiError ? e.words() : `Network error (${e.message}); nothing was changed by this page — try again.`;
  }

  // ---------------------------------------------------------------------------------------------
  // Sign in / out.

  let account = null;

  async function signIn(key) {
    apiKey = key;
    const res = await api('GET', '/v1/account');
    account = res.account || {};
    sessionStorage.setItem(KEY_STORAGE, key);
    zone = account.billingTimeZone || 'UTC';
    $('sign-in').hidden = true;
    $('app').hidden = false;
    $('who').hidden = false;
    $('account-name').textContent = `${account.displayName || account.accountId} (${account.accountId})`;
    showAccount();
    $('zone-label').textContent = `(${zone})`;
    await Promise.all([loadInstances(), loadLedger(), loadForecast()]);
    startFeed();
  }

  function signOut(why) {
    sessionStorage.removeItem(KEY_STORAGE);
    apiKey = null;
    account = null;
    stopFeed();
    selection.clear();
    $('app').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = why || '';
    $('api-key').value = '';
    document.querySelectorAll('dialog[open]').forEach((d) => d.close());
    $('api-key').focus();
  }

  $('sign-in-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = $('api-key').value.trim();
    $('sign-in-error').textContent = '';
    $('sign-in-button').disabled = true;
    try {
      await signIn(key);
    } catch (e) {
      sessionStorage.removeItem(KEY_STORAGE);
      apiKey = null;
      $('sign-in-error').textContent = networkWords(e);
    } finally {
      $('sign-in-button').disabled = false;
    }
  });
  $('sign-out').addEventListener('click', () => signOut(''));

  async function refreshAccount() {
    const res = await api('GET', '/v1/account');
    account = res.account || account;
    showAccount();
  }

  function showAccount() {
    $('balance').textContent = formatMoney(account.balance);
    $('time-zone').textContent = zone;
  }

  // ---------------------------------------------------------------------------------------------
  // Renewal management list: filters, pages (page tokens), selection kept across pages.

  const selection = new Map(); // instanceId -> Instance
  let pageTokens = ['']; // token of each page seen so far; the last is the current page's
  let nextPageToken = '';
  let shownInstances = [];
  let atRisk = new Set();

  function filterParams() {
    const p = { pageSize: PAGE_SIZE };
    const days = $('filter-expiry').value;
    if (days) p.expiringBefore = new Date(Date.now() + Number(days) * DAY_MS).toISOString();
    if ($('filter-state').value) p.states = $('filter-state').value;
    if ($('filter-renew-flag').value) p.renewFlag = $('filter-renew-flag').value;
    // Postpaid instances have nothing to renew: hidden unless asked for.
    if (!$('filter-postpaid').checked) p.chargeType = 'PREPAID';
    return p;
  }

  async function loadInstances() {
    const token = pageTokens[pageTokens.length - 1];
    try {
      const res = await api('GET', `/v1/instances${query({ ...filterParams(), pageToken: token })}`);
      shownInstances = res.instances || [];
      nextPageToken = res.nextPageToken || '';
      renderInstances();
    } catch (e) {
      listMessage(networkWords(e), true);
    }
  }

  function cell(tr, label, content, cls) {
    const td = document.createElement('td');
    td.dataset.label = label;
    if (cls) td.className = cls;
    if (content instanceof Node) td.append(content);
    else td.textContent = content;
    tr.append(td);
    return td;
  }

  function renderInstances() {
    const body = $('instances').tBodies[0];
    body.replaceChildren();
    shownInstances.forEach((ins) => {
      const id = ins.instanceId;
      const tr = document.createElement('tr');
      tr.dataset.instanceId = id;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.className = 'select-instance';
      box.checked = selection.has(id);
      box.setAttribute('aria-label', `Select ${id}`);
      box.addEventListener('change', () => {
        if (box.checked) selection.set(id, ins);
        else selection.delete(id);
        tr.classList.toggle('selected', box.checked);
        updateSelection();
      });
      tr.classList.toggle('selected', box.checked);
      cell(tr, 'Select', box);
      const idCell = cell(tr, 'Instance', id, 'instance-id');
      if (atRisk.has(id)) {
        tr.classList.add('at-risk');
        const flag = document.createElement('span');
        flag.className = 'risk';
        flag.textContent = 'At risk: balance will not cover auto-renewal';
        idCell.append(flag);
      }
      cell(tr, 'Type', ins.instanceType, 'type');
      cell(tr, 'Bandwidth', `${ins.bandwidthMbps || 0} Mbps`, 'bandwidth');
      cell(tr, 'State', STATE_WORDS[ins.state] || ins.state, 'state');
      const prepaid = ins.chargeType === 'PREPAID';
      cell(tr, 'Expiry', prepaid ? timeElement(ins.expiredTime) : CHARGE_WORDS[ins.chargeType] || '–', 'expiry');
      let left = '–';
      if (prepaid && ins.state === 'RUNNING' && ins.expiredTime) {
        const d = daysUntil(ins.expiredTime);
        left = d < 1 ? 'less than a day' : `${d} day${d === 1 ? '' : 's'}`;
      } else if (prepaid && ins.state === 'ISOLATED') {
        left = 'expired';
      }
      const leftCell = cell(tr, 'Days left', left, 'days-left');
      if (prepaid && ins.state === 'RUNNING' && daysUntil(ins.expiredTime) < 7) leftCell.classList.add('soon');
      cell(tr, 'Renewal', prepaid ? renewFlagWords(ins.renewFlag, ins.autoRenewPeriodMonths) : '–', 'renew-flag');
      body.append(tr);
    });
    if (!shownInstances.length) {
      const tr = document.createElement('tr');
      const td = cell(tr, '', 'No instances match these filters.');
      td.colSpan = 8;
      body.append(tr);
    }
    $('instances-page').textContent = `Page ${pageTokens.length}`;
    $('instances-prev').disabled = pageTokens.length <= 1;
    $('instances-next').disabled = !nextPageToken;
    $('select-page').checked = shownInstances.length > 0 && shownInstances.every((i) => selection.has(i.instanceId));
    updateSelection();
  }

  function updateSelection() {
    const n = selection.size;
    $('selection-count').textContent = `${n} selected`;
    ['open-renew', 'open-auto-renew', 'open-align', 'clear-selection'].forEach((b) => { $(b).disabled = n === 0; });
  }

  function listMessage(text, isError) {
    const m = $('list-message');
    m.textContent = text;
    m.classList.toggle('error', !!isError);
  }

  function restartList() {
    pageTokens = [''];
    selection.clear();
    listMessage('');
    loadInstances();
  }

  ['filter-expiry', 'filter-state', 'filter-renew-flag', 'filter-postpaid'].forEach((id) => {
    $(id).addEventListener('change', restartList);
  });
  $('filters').addEventListener('submit', (ev) => ev.preventDefault());
  $('instances-next').addEventListener('click', () => {
    if (!nextPageToken) return;
    pageTokens.push(nextPageToken);
    loadInstances();
  });
  $('instances-prev').addEventListener('click', () => {
    if (pageTokens.length <= 1) return;
    pageTokens.pop();
    loadInstances();
  });
  $('select-page').addEventListener('change', () => {
    const on = $('select-page').checked;
    shownInstances.forEach((i) => (on ? selection.set(i.instanceId, i) : selection.delete(i.instanceId)));
    renderInstances();
  });
  $('clear-selection').addEventListener('click', () => {
    selection.clear();
    renderInstances();
  });

  async function afterChange(message) {
    listMessage(message);
    selection.clear();
    await Promise.all([loadInstances(), refreshAccount(), loadLedger(true), loadForecast()]);
  }

  // ---------------------------------------------------------------------------------------------
  // Dialogs: native <dialog> (Escape closes it); focus goes back to the button that opened it.

  function openDialog(dialog, opener) {
    dialog.returnFocusTo = opener;
    dialog.showModal();
  }

  document.querySelectorAll('dialog').forEach((d) => {
    d.addEventListener('close', () => {
      if (d.returnFocusTo && document.contains(d.returnFocusTo)) d.returnFocusTo.focus();
    });
  });

  function instanceItems(list, ids) {
    list.replaceChildren();
    ids.forEach((id) => {
      const ins = selection.get(id);
      const li = document.createElement('li');
      li.dataset.instanceId = id;
      const name = document.createElement('span');
      name.className = 'what';
      name.textContent = ins ? `${id} · ${ins.instanceType} · ${ins.bandwidthMbps} Mbps` : id;
      const detail = document.createElement('span');
      detail.className = 'detail';
      const refusal = document.createElement('span');
      refusal.className = 'refusal';
      refusal.setAttribute('role', 'alert');
      li.append(name, ' ', detail, refusal);
      list.append(li);
    });
  }

  // Puts a refusal next to what it concerns: the field named by a BadRequest violation, the
  // instances named in the ErrorInfo metadata, else the dialog's general error line.
  function showRefusal(e, fields, list, general) {
    Object.values(fields).forEach((el) => { el.textContent = ''; });
    list.querySelectorAll('.refusal').forEach((el) => { el.textContent = ''; });
    general.textContent = '';
    if (!(e instanceof ApiError)) {
      general.textContent = networkWords(e);
      return;
    }
    let placed = false;
    e.violations.forEach((v) => {
      const el = fields[v.field];
      if (el) {
        el.textContent = `${REASON_WORDS[e.reason] || 'Refused'}: ${v.description}`;
        placed = true;
      }
    });
    e.instanceIds().forEach((id) => {
      const li = list.querySelector(`li[data-instance-id="${CSS.escape(id)}"] .refusal`);
      if (li) {
        li.textContent = e.words();
        placed = true;
      }
    });
    if (!placed) general.textContent = e.words();
  }

  function clearRefusals(fields, list, general) {
    Object.values(fields).forEach((el) => { el.textContent = ''; });
    list.querySelectorAll('.refusal').forEach((el) => { el.textContent = ''; });
    general.textContent = '';
  }

  // fn after ms of quiet; flush() runs a pending call at once (and returns its promise), so that an
  // action never races the preview of the choice it acts on.
  function debounce(fn, ms) {
    let t = null;
    const debounced = () => {
      clearTimeout(t);
      t = setTimeout(() => { t = null; fn(); }, ms);
    };
    debounced.flush = () => {
      if (t === null) return Promise.resolve();
      clearTimeout(t);
      t = null;
      return fn();
    };
    return debounced;
  }

  // ---------------------------------------------------------------------------------------------
  // Renew: preview and Pay. The client_token is made when the dialog opens (and again when the
  // order is changed): a double click, or Pay again after a lost answer, is the same order, which
  // the server charges once.

  const renew = { ids: [], token: '', seq: 0, paying: false };
  const renewFields = () => ({ period_months: $('renew-period-error'), bandwidth_mbps: $('renew-bandwidth-error') });

  function renewRequest() {
    const req = { instanceIds: renew.ids, periodMonths: Number($('renew-period').value) };
    const bw = $('renew-bandwidth').value.trim();
    if (bw !== '') req.bandwidthMbps = Number(bw);
    return req;
  }

  function clearPreview() {
    ['renew-original', 'renew-discount', 'renew-upgrade', 'renew-total', 'renew-balance-after'].forEach((id) => {
      $(id).textContent = '–';
    });
    $('renew-instances').querySelectorAll('.detail').forEach((el) => { el.textContent = ''; });
  }

  async function previewRenew() {
    const seq = ++renew.seq;
    clearRefusals(renewFields(), $('renew-instances'), $('renew-error'));
    try {
      const res = await api('POST', '/v1/instances:inquiryPriceRenew', renewRequest());
      if (seq !== renew.seq) return; // an answer to an older choice
      const renewals = res.renewals || [];
      const currency = (res.totalPrice || {}).currencyCode;
      const original = sumMoney(renewals.map((r) => (r.price || {}).originalPrice));
      const total = moneyNanos(res.totalPrice);
      $('renew-original').textContent = formatNanos(original, currency);
      $('renew-discount').textContent = formatNanos(total - original, currency);
      $('renew-upgrade').textContent = formatNanos(sumMoney(renewals.map((r) => r.bandwidthUpgradePrice)), currency);
      $('renew-total').textContent = formatNanos(total, currency);
      $('renew-balance-after').textContent = formatNanos(moneyNanos(account.balance) - total, currency);
      renewals.forEach((r) => {
        const li = $('renew-instances').querySelector(`li[data-instance-id="${CSS.escape(r.instanceId)}"] .detail`);
        if (li) {
          li.textContent = `→ expires ${formatTime(r.newExpiredTime)}, ${r.bandwidthMbps} Mbps, ${formatMoney((r.price || {}).discountPrice)}`;
        }
      });
    } catch (e) {
      if (seq !== renew.seq) return;
      clearPreview();
      showRefusal(e, renewFields(), $('renew-instances'), $('renew-error'));
    }
  }
  const previewRenewSoon = debounce(previewRenew, 250);

  function renewChanged() {
    renew.token = newToken(); // a different order from here on
    previewRenewSoon();
  }

  $('open-renew').addEventListener('click', () => {
    renew.ids = [...selection.keys()];
    renew.token = newToken();
    renew.paying = false;
    $('renew-pay').disabled = false;
    $('renew-period').value = '1';
    $('renew-bandwidth').value = '';
    instanceItems($('renew-instances'), renew.ids);
    clearPreview();
    openDialog($('renew-dialog'), $('open-renew'));
    previewRenew();
  });
  $('renew-period').addEventListener('change', renewChanged);
  $('renew-bandwidth').addEventListener('input', renewChanged);
  $('renew-cancel').addEventListener('click', () => $('renew-dialog').close());

  $('renew-pay').addEventListener('click', async () => {
    if (renew.paying) return; // the second click of a double click: the first is under way
    renew.paying = true;
    $('renew-pay').disabled = true;
    // A preview still waiting for its debounce would clear Pay's refusal when it runs: run it now.
    await previewRenewSoon.flush();
    clearRefusals(renewFields(), $('renew-instances'), $('renew-error'));
    try {
      const res = await api('POST', '/v1/instances:renew', { ...renewRequest(), clientToken: renew.token });
      $('renew-dialog').close();
      await afterChange(
        `Renewed ${renew.ids.length} instance(s): order ${res.orderId}, charged ${formatMoney(res.totalPrice)}, balance ${formatMoney(res.balance)}.`);
    } catch (e) {
      // INSUFFICIENT_BALANCE names no field or instance: it lands on the line under the total.
      showRefusal(e, renewFields(), $('renew-instances'), $('renew-error'));
      if (isRefusal(e)) renew.token = newToken(); // refused, nothing charged: next Pay is a new order
    } finally {
      renew.paying = false;
      $('renew-pay').disabled = false;
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Auto-renew setting.

  const auto = { ids: [], token: '', saving: false };

  $('open-auto-renew').addEventListener('click', () => {
    auto.ids = [...selection.keys()];
    auto.token = newToken();
    instanceItems($('auto-renew-instances'), auto.ids);
    auto.ids.forEach((id) => {
      const ins = selection.get(id);
      const d = $('auto-renew-instances').querySelector(`li[data-instance-id="${CSS.escape(id)}"] .detail`);
      if (ins && d) d.textContent = `(now: ${renewFlagWords(ins.renewFlag, ins.autoRenewPeriodMonths)})`;
    });
    clearRefusals({ a: $('auto-renew-period-error') }, $('auto-renew-instances'), $('auto-renew-error'));
    openDialog($('auto-renew-dialog'), $('open-auto-renew'));
  });
  $('auto-renew-form').addEventListener('change', () => { auto.token = newToken(); });
  $('auto-renew-cancel').addEventListener('click', () => $('auto-renew-dialog').close());
  $('auto-renew-save').addEventListener('click', async () => {
    if (auto.saving) return;
    auto.saving = true;
    $('auto-renew-save').disabled = true;
    const flag = document.querySelector('input[name="renew-flag"]:checked').value;
    try {
      const res = await api('POST', '/v1/instances:setAutoRenew', {
        instanceIds: auto.ids,
        renewFlag: flag,
        autoRenewPeriodMonths: Number($('auto-renew-period').value),
        clientToken: auto.token,
      });
      $('auto-renew-dialog').close();
      const first = (res.instances || [])[0] || {};
      await afterChange(`${auto.ids.length} instance(s): ${renewFlagWords(first.renewFlag, first.autoRenewPeriodMonths)}.`);
    } catch (e) {
      showRefusal(e, { auto_renew_period_months: $('auto-renew-period-error') }, $('auto-renew-instances'), $('auto-renew-error'));
      if (isRefusal(e)) auto.token = newToken();
    } finally {
      auto.saving = false;
      $('auto-renew-save').disabled = false;
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Same expiry date: per-instance extension and price, then confirm.

  const align = { ids: [], token: '', seq: 0, saving: false };
  const alignFields = () => ({ expiry_day: $('align-day-error') });

  function clearAlignPreview() {
    $('align-preview').tBodies[0].replaceChildren();
    $('align-total').textContent = '–';
    $('align-balance-after').textContent = '–';
  }

  // A list for refusals naming instances: the preview table's rows are rebuilt per answer.
  function alignList() {
    return $('align-preview').tBodies[0];
  }

  async function previewAlign() {
    const seq = ++align.seq;
    const day = $('align-day').value.trim();
    clearRefusals(alignFields(), alignList(), $('align-error'));
    if (day === '') {
      clearAlignPreview();
      return;
    }
    try {
      const res = await api('POST', '/v1/instances:inquiryPriceUnifiedExpiry', { instanceIds: align.ids, expiryDay: Number(day) });
      if (seq !== align.seq) return;
      const body = alignList();
      body.replaceChildren();
      (res.renewals || []).forEach((r) => {
        const tr = document.createElement('tr');
        tr.dataset.instanceId = r.instanceId;
        cell(tr, 'Instance', r.instanceId);
        cell(tr, 'Expiry now', timeElement(r.oldExpiredTime));
        cell(tr, 'New expiry', timeElement(r.newExpiredTime), 'new-expiry');
        const extra = Math.round((Date.parse(r.newExpiredTime) - Date.parse(r.oldExpiredTime)) / DAY_MS);
        cell(tr, 'Extra days', String(extra), 'num extra-days');
        const price = cell(tr, 'Price', formatMoney((r.price || {}).discountPrice), 'num');
        const refusal = document.createElement('span');
        refusal.className = 'refusal';
        price.append(refusal);
        body.append(tr);
      });
      const currency = (res.totalPrice || {}).currencyCode;
      const total = moneyNanos(res.totalPrice);
      $('align-total').textContent = formatNanos(total, currency);
      $('align-balance-after').textContent = formatNanos(moneyNanos(account.balance) - total, currency);
    } catch (e) {
      if (seq !== align.seq) return;
      clearAlignPreview();
      // No rows to put an instance's refusal on: build them from the selection.
      align.ids.forEach((id) => {
        const tr = document.createElement('tr');
        tr.dataset.instanceId = id;
        const td = cell(tr, 'Instance', id);
        td.colSpan = 5;
        const refusal = document.createElement('span');
        refusal.className = 'refusal';
        td.append(' ', refusal);
        alignList().append(tr);
      });
      showRefusal(e, alignFields(), alignList(), $('align-error'));
    }
  }
  const previewAlignSoon = debounce(previewAlign, 300);

  $('open-align').addEventListener('click', () => {
    align.ids = [...selection.keys()];
    align.token = newToken();
    $('align-day').value = '';
    clearAlignPreview();
    clearRefusals(alignFields(), alignList(), $('align-error'));
    openDialog($('align-dialog'), $('open-align'));
  });
  $('align-day').addEventListener('input', () => {
    align.token = newToken();
    previewAlignSoon();
  });
  $('align-cancel').addEventListener('click', () => $('align-dialog').close());
  $('align-confirm').addEventListener('click', async () => {
    if (align.saving) return;
    align.saving = true;
    $('align-confirm').disabled = true;
    await previewAlignSoon.flush();
    try {
      const res = await api('POST', '/v1/instances:setUnifiedExpiry', {
        instanceIds: align.ids,
        expiryDay: Number($('align-day').value.trim()),
        clientToken: align.token,
      });
      $('align-dialog').close();
      await afterChange(`Aligned ${align.ids.length} instance(s) to day ${$('align-day').value.trim()}; charged ${formatMoney(res.totalPrice)}.`);
    } catch (e) {
      showRefusal(e, alignFields(), alignList(), $('align-error'));
      if (isRefusal(e)) align.token = newToken();
    } finally {
      align.saving = false;
      $('align-confirm').disabled = false;
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Billing records, newest first, paged with page tokens.

  let ledgerTokens = [''];
  let ledgerNext = '';

  async function loadLedger(fromStart) {
    if (fromStart) ledgerTokens = [''];
    try {
      const res = await api('GET', `/v1/billingRecords${query({ pageSize: LEDGER_PAGE_SIZE, pageToken: ledgerTokens[ledgerTokens.length - 1] })}`);
      ledgerNext = res.nextPageToken || '';
      const body = $('ledger').tBodies[0];
      body.replaceChildren();
      (res.records || []).forEach((r) => {
        const tr = document.createElement('tr');
        tr.dataset.recordId = r.recordId;
        tr.dataset.type = r.type;
        cell(tr, 'When', timeElement(r.createdTime));
        const what = cell(tr, 'What', RECORD_WORDS[r.type] || r.type);
        if ((r.instanceIds || []).length) {
          const ids = document.createElement('span');
          ids.className = 'hint';
          ids.textContent = ` ${r.instanceIds.join(', ')}`;
          what.append(ids);
        }
        cell(tr, 'Amount', formatMoney(r.amount), 'num amount');
        cell(tr, 'Balance after', formatMoney(r.balanceAfter), 'num');
        body.append(tr);
      });
      $('ledger-prev').disabled = ledgerTokens.length <= 1;
      $('ledger-next').disabled = !ledgerNext;
    } catch (e) {
      listMessage(networkWords(e), true);
    }
  }
  $('ledger-next').addEventListener('click', () => {
    if (!ledgerNext) return;
    ledgerTokens.push(ledgerNext);
    loadLedger();
  });
  $('ledger-prev').addEventListener('click', () => {
    if (ledgerTokens.length <= 1) return;
    ledgerTokens.pop();
    loadLedger();
  });

  // ---------------------------------------------------------------------------------------------
  // Upcoming renewals (DescribeRenewalForecast): charges, the first shortfall, instances at risk.

  async function loadForecast() {
    const body = $('forecast').tBodies[0];
    try {
      const res = await api('GET', `/v1/renewalForecast${query({ horizonDays: FORECAST_HORIZON_DAYS })}`);
      body.replaceChildren();
      const risky = new Set(res.atRiskInstanceIds || []);
      (res.charges || []).forEach((c) => {
        const tr = document.createElement('tr');
        tr.dataset.instanceId = c.instanceId;
        if (risky.has(c.instanceId)) tr.classList.add('at-risk');
        cell(tr, 'When', timeElement(c.chargeTime));
        cell(tr, 'Instance', `${c.instanceId} (${months(c.periodMonths)})`);
        cell(tr, 'Price', formatMoney((c.price || {}).discountPrice), 'num');
        // An uncovered charge takes nothing: say so instead of an unchanged balance.
        cell(tr, 'Balance after', c.covered ? formatMoney(c.balanceAfter) : 'not covered', 'num');
        body.append(tr);
      });
      $('forecast-shortfall').textContent = res.shortfallTime
        ? `From ${formatTime(res.shortfallTime)} the balance will not cover the auto-renewal; at risk of isolation: ${[...risky].join(', ')}.`
        : '';
      $('forecast-message').textContent = (res.charges || []).length ? '' : 'No auto-renewal falls due in the next 90 days.';
      const changed = risky.size !== atRisk.size || [...risky].some((id) => !atRisk.has(id));
      atRisk = risky;
      if (changed) renderInstances();
    } catch (e) {
      body.replaceChildren();
      $('forecast-shortfall').textContent = '';
      $('forecast-message').textContent = e instanceof ApiError && e.httpStatus === 404
        ? 'This server does not offer a renewal forecast.'
        : networkWords(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Live event feed: the history from ListEvents, then WatchEvents as Server-Sent Events read with
  // fetch (EventSource cannot send the Authorization header), resumed with Last-Event-ID after a
  // break, with backoff. A server without the stream is polled instead.

  const feed = { lastId: '0', seen: new Set(), abort: null, timer: null, backoff: 1000, polling: false };

  function feedStatus(text, live) {
    $('feed-status').textContent = text;
    $('feed-status').classList.toggle('live', !!live);
  }

  function addEvent(e, fresh) {
    const id = String(e.eventId);
    if (feed.seen.has(id)) return; // a resumed stream or a poll may repeat what was shown
    feed.seen.add(id);
    if (BigInt(id) > BigInt(feed.lastId)) feed.lastId = id;
    const li = document.createElement('li');
    li.dataset.eventId = id;
    li.dataset.type = e.type;
    if (e.instanceId) li.dataset.instanceId = e.instanceId;
    if (fresh) li.className = 'fresh';
    li.append(timeElement(e.occurredTime), eventWords(e));
    const list = $('events');
    list.prepend(li);
    while (list.children.length > FEED_SHOWN) list.lastElementChild.remove();
  }

  async function loadHistory(signal) {
    // ListEvents pages forward from an id; the newest FEED_SHOWN are kept on screen.
    for (;;) {
      const res = await api('GET', `/v1/events${query({ afterEventId: feed.lastId, pageSize: 100 })}`, undefined, signal);
      const events = res.events || [];
      events.forEach((e) => addEvent(e, false));
      if (events.length < 100) return;
    }
  }

  function startFeed() {
    stopFeed();
    feed.lastId = '0';
    feed.seen.clear();
    feed.backoff = 1000;
    feed.polling = false;
    $('events').replaceChildren();
    const controller = new AbortController();
    feed.abort = controller;
    feedStatus('connecting');
    loadHistory(controller.signal)
      .then(() => watch(controller))
      .catch((e) => { if (!controller.signal.aborted) retryFeed(controller, e); });
  }

  function stopFeed() {
    if (feed.abort) feed.abort.abort();
    feed.abort = null;
    clearTimeout(feed.timer);
  }

  function retryFeed(controller, e) {
    if (controller.signal.aborted) return;
    feedStatus(`reconnecting (${e && e.message ? e.message : 'stream ended'})`);
    feed.timer = setTimeout(() => {
      if (controller.signal.aborted) return;
      (feed.polling ? poll(controller) : watch(controller)).catch((err) => retryFeed(controller, err));
    }, feed.backoff);
    feed.backoff = Math.min(feed.backoff * 2, 30000);
  }

  async function watch(controller) {
    const res = await fetch('/v1/events:watch', {
      headers: {
        Authorization: `Bearer ${apiKey}`,
        Accept: 'text/event-stream',
        'Last-Event-ID': feed.lastId,
      },
      cache: 'no-store',
      signal: controller.signal,
    });
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      // No stream on this server: poll ListEvents instead.
      feed.polling = true;
      feed.backoff = 3000;
      return poll(controller);
    }
    if (!res.ok || !res.body) {
      let body = {};
      try { body = await res.json(); } catch (ignored) { /* not JSON */ }
      const err = new ApiError(res.status, body);
      if (res.status === 401) signOut(err.words());
      throw err;
    }
    feedStatus('live', true);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let data = '';
        let type = 'message';
        block.split('\n').forEach((line) => {
          if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(5).replace(/^ /, '');
          else if (line.startsWith('event:')) type = line.slice(6).trim();
        });
        // The server ends a broken stream with an "error" event (a google.rpc.Status): reconnect.
        if (type === 'error') throw new ApiError(503, data ? JSON.parse(data) : {});
        if (data && type === 'message') {
          addEvent(JSON.parse(data), true);
          feed.backoff = 1000;
          onEventArrived();
        }
      }
    }
    throw new Error('stream ended');
  }

  async function poll(controller) {
    feedStatus('polling', true);
    const before = feed.lastId;
    await loadHistory(controller.signal);
    if (feed.lastId !== before) onEventArrived();
    feed.timer = setTimeout(() => {
      if (!controller.signal.aborted) poll(controller).catch((e) => retryFeed(controller, e));
    }, 3000);
  }

  // Leaving the page closes the stream at once: a page kept for "back" (or one still being torn
  // down) would otherwise hold one of the browser's six connections to this host for a minute,
  // and a few reloads would leave the page's own calls queued behind them.
  window.addEventListener('pagehide', stopFeed);
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted && apiKey) startFeed();
  });

  // Something happened: what is on screen may be stale (balance, expiries, forecast).
  const onEventArrived = debounce(() => {
    if (!apiKey) return;
    refreshAccount().catch(() => {});
    loadInstances();
    loadLedger(true);
    loadForecast();
  }, 500);

  // ---------------------------------------------------------------------------------------------
  // Start: a key from this tab's session signs in again on reload.

  updateSelection();
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) {
    signIn(saved).catch((e) => signOut(networkWords(e)));
  } else {
    $('api-key').focus();
  }
})();
