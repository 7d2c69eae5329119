import { useState } from 'preact/hooks';
import { describeError } from '../api';
import { ErrorMessage, Status } from '../components';
import { logIn } from '../session';
import type { Me } from '../types';

export function LoginPage({ notice, onLoggedIn }: { notice: string | null; onLoggedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await logIn(username, password));
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <form class="card" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <h1 id="login-title">DAS console</h1>
        <p class="hint">Log in with your DAS account.</p>
        {notice && <Status>{notice}</Status>}
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        {error && <ErrorMessage>{error}</ErrorMessage>}
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
