// What the plugin's pages share: one REST call that turns OpenSearch's errors into a readable reason, and small DOM
// helpers. An ES module every page imports; nothing here talks to anything but this node.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function callApi(method, path, body) {
  const started = performance.now();
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {Accept: 'application/json'} : {Accept: 'application/json', 'Content-Type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `Cannot reach the cluster (${e.message})`);
  }
  const text = await response.text();
  const elapsed = performance.now() - started;
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, describeFailure(response, json, text));
  }
  return {json, elapsed};
}

// OpenSearch errors: {"error": {"root_cause": [{"reason"}], "reason"}, "status"}; the root cause names the parameter.
function describeFailure(response, json, text) {
  let reason = text || response.statusText;
  const error = json && json.error;
  if (typeof error === 'string') {
    reason = error;
  } else if (error) {
    const root = Array.isArray(error.root_cause) && error.root_cause.length > 0 ? error.root_cause[0] : null;
    reason = (root && root.reason) || error.reason || JSON.stringify(error);
    if (error.caused_by && error.caused_by.reason && !reason.includes(error.caused_by.reason) && root === null) {
      reason += ': ' + error.caused_by.reason;
    }
  }
  const denied = response.status === 401 || response.status === 403 && /security|permission|unauthori[sz]ed/i.test(reason);
  return `${response.status} ${response.statusText || ''}: ${reason}${denied ? ' (the cluster\'s security refused this request)' : ''}`;
}

export const encode = encodeURIComponent;

export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export function showError(node, message) {
  node.textContent = message;
  node.hidden = !message;
}


// Series colours of the charts (Chart.js draws them), distinguishable and readable on white.
const PALETTE = ['#005eb8', '#d1495b', '#2a9d8f', '#e9a23b', '#7b5ea7', '#3d405b', '#43aa8b', '#f3722c', '#577590', '#b5179e'];

export function colorAt(index) {
  return PALETTE[index % PALETTE.length];
}

// Milliseconds as a number with a sensible number of digits.
export function formatMillis(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value >= 100 ? String(Math.round(value)) : Number(value).toFixed(1);
}
