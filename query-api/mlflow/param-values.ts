// How a param value, which MLflow sends as text, is stored in runlens: a number when the whole
// text is a decimal number ("0.01", "-3", "1e-4"), a bool for "True"/"true"/"False"/"false"
// (Python's str(True) and JSON's spelling), text otherwise ("nan", "inf", "0x10", "1_000", " 1",
// "" stay text). The MLflow surface stores params by this rule and its filter translation
// (search.ts) compares by it, so `params.lr = '0.01'` finds the run that logged "0.01". The text
// itself travels beside the value (ParamsLogged.texts), so MLflow clients read back "1e-05" or
// "True" as they logged it, while /v1 filters, sorts and sweep analytics see 1e-5 and true. Pure.

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export function parseMlflowParamValue(text: string): number | boolean | string {
  if (DECIMAL.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  if (text === 'True' || text === 'true') return true;
  if (text === 'False' || text === 'false') return false;
  return text;
}
