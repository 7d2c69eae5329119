import { getJson, hasToken, postJson, setToken } from './api';
import type { Me } from './types';

interface TokenResponse {
  access_token: string;
}

/** Logs in and reads who the token belongs to (role and table permissions travel in the token). */
export async function logIn(username: string, password: string): Promise<Me> {
  const answer = await postJson<TokenResponse>('/auth/login', { username, password });
  if (!answer?.access_token) {
    throw new Error('The server did not hand out a token.');
  }
  setToken(answer.access_token);
  try {
    return await getJson<Me>('/auth/me');
  } catch (error) {
    setToken(null);
    throw error;
  }
}

/** The session of this tab, if its token is still accepted. */
export async function resume(): Promise<Me | null> {
  if (!hasToken()) {
    return null;
  }
  try {
    return await getJson<Me>('/auth/me');
  } catch {
    setToken(null);
    return null;
  }
}

/** Ends the token on the server (it is refused from then on), then forgets it here either way. */
export async function logOut(): Promise<void> {
  try {
    await postJson('/auth/logout');
  } finally {
    setToken(null);
  }
}
