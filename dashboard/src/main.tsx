// The dashboard's entry: sign-in (a pasted token, or a link's #token=…), then the view the path
// names — /ui/runs/<id> a run's page, /ui/online/ the online experiments and /ui/online/<id> one
// of them, anything else the sweep view — whose state lives in the
// address bar, so any view is a link to paste to a colleague.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { adoptTokenFromLink, signedIn, signIn, signOut, whenUnauthorized } from './api.ts';
import { decodeState, encodeState, type ViewState } from './url-state.ts';
import { SweepView } from './views/sweep-view.tsx';
import { RunPage } from './views/run-page.tsx';
import { OnlineList, OnlinePage } from './views/online-page.tsx';

function SignIn({ onDone, refused }: { onDone: () => void; refused: boolean }) {
  const [token, setToken] = useState('');
  return (
    <form
      class="sign-in"
      onSubmit={(e) => {
        e.preventDefault();
        if (token.trim() === '') return;
        signIn(token);
        onDone();
      }}
    >
      <h1>runlens</h1>
      {refused && <p class="error" role="alert">The API refused the token (invalid, revoked or expired): paste another.</p>}
      <p>Paste an API token with scope <code>read</code> (create one with <code>runlens token create --scopes read</code>). It is kept in this tab only.</p>
      <input name="token" type="password" value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} placeholder="runlens_…" autofocus />
      <button type="submit">Sign in</button>
    </form>
  );
}

function App() {
  const [authed, setAuthed] = useState(signedIn());
  const [refused, setRefused] = useState(false);
  useEffect(() => whenUnauthorized(() => (setRefused(true), setAuthed(false))), []);
  const [state, setState] = useState<ViewState>(() => decodeState(location.search));
  useEffect(() => {
    const back = () => setState(decodeState(location.search));
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);
  const change = (next: ViewState) => {
    const query = encodeState(next);
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}`);
    setState(next);
  };
  if (!authed) return <SignIn refused={refused} onDone={() => (setRefused(false), setAuthed(true))} />;
  const runPath = /^\/ui\/runs\/([^/]+)$/.exec(location.pathname);
  const onlinePath = /^\/ui\/online(?:\/([^/]*))?$/.exec(location.pathname);
  return (
    <>
      <header>
        <a class="home" href={`/ui/${location.search}`}>runlens</a>
        <span class="muted">sweep explorer</span>
        <a href="/ui/online/">online experiments</a>
        <button
          type="button"
          onClick={() => {
            signOut();
            setAuthed(false);
          }}
        >
          sign out
        </button>
      </header>
      {onlinePath ? (onlinePath[1] ? <OnlinePage id={decodeURIComponent(onlinePath[1])} /> : <OnlineList />) : runPath ? <RunPage id={decodeURIComponent(runPath[1]!)} logs={state.logs} onLogs={(logs) => change({ ...state, logs })} /> : <SweepView state={state} onChange={change} />}
    </>
  );
}

adoptTokenFromLink();
render(<App />, document.getElementById('app')!);
