import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { whenSessionEnds } from './api';
import { Refusal } from './components';
import { LoginPage } from './pages/login';
import { ArchivesPage } from './pages/archives';
import { BASE, linkClick, navigate, useLocation } from './router';
import { logOut, resume } from './session';
import type { Me } from './types';
import './styles.css';

/** Admin screens (and uPlot) load only for admins, after login: the first screen stays small. */
type AdminModule = typeof import('./pages/admin');

function useAdminPages(me: Me | null): AdminModule | null {
  const [module, setModule] = useState<AdminModule | null>(null);
  useEffect(() => {
    if (me?.role === 'admin' && module === null) {
      void import('./pages/admin').then(setModule);
    }
  }, [me, module]);
  return module;
}

function App() {
  const location = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);
  const admin = useAdminPages(me);

  useEffect(() => {
    whenSessionEnds(() => {
      setMe(null);
      setNotice('Your session has ended. Please log in again.');
    });
    void resume().then((who) => {
      setMe(who);
      setChecking(false);
    });
  }, []);

  if (checking) {
    return <p class="loading">Loading…</p>;
  }
  if (me === null) {
    return (
      <LoginPage
        notice={notice}
        onLoggedIn={(who) => {
          setNotice(null);
          setMe(who);
          if (location.path === '/' || location.path === '/login') {
            navigate(who.role === 'admin' ? '/dashboard' : '/archives', true);
          }
        }}
      />
    );
  }

  const isAdmin = me.role === 'admin';
  const path = location.path;
  let page;
  if (path === '/' || path === '/login') {
    page = <Redirect to={isAdmin ? '/dashboard' : '/archives'} />;
  } else if (path === '/archives' || path.startsWith('/archives/')) {
    const table = path.startsWith('/archives/') ? decodeURIComponent(path.slice('/archives/'.length)) : null;
    page = <ArchivesPage key={table ?? ''} me={me} table={table} search={location.search} />;
  } else if (['/dashboard', '/runs', '/users'].includes(path) || path.startsWith('/runs/')) {
    page = isAdmin ? adminPage(admin, path) : <Refusal what="This page is for administrators." />;
  } else {
    page = <Refusal what={`There is no page ${path} in the console.`} title="Not found" />;
  }

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={`${BASE}/`} onClick={linkClick}>
          DAS console
        </a>
        <nav aria-label="Main">
          <ul>
            {isAdmin && <NavLink to="/dashboard" label="Dashboard" current={path} />}
            <NavLink to="/archives" label="Archives" current={path} />
            {isAdmin && <NavLink to="/runs" label="Runs" current={path} />}
            {isAdmin && <NavLink to="/users" label="Users" current={path} />}
          </ul>
        </nav>
        <div class="who">
          <span>
            {me.username} <span class="badge">{me.role}</span>
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              void logOut().finally(() => {
                setMe(null);
                setNotice('You are logged out.');
                navigate('/login', true);
              });
            }}
          >
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

function adminPage(admin: AdminModule | null, path: string) {
  if (admin === null) {
    return <p class="loading">Loading…</p>;
  }
  if (path === '/dashboard') {
    return <admin.DashboardPage />;
  }
  if (path === '/runs') {
    return <admin.RunsPage />;
  }
  if (path === '/users') {
    return <admin.UsersPage />;
  }
  const id = Number(path.slice('/runs/'.length));
  return Number.isSafeInteger(id) && id > 0 ? (
    <admin.RunPage key={id} id={id} />
  ) : (
    <Refusal what="A run id is a positive integer." title="Not found" />
  );
}

function NavLink({ to, label, current }: { to: string; label: string; current: string }) {
  const active = current === to || current.startsWith(`${to}/`);
  return (
    <li>
      <a href={`${BASE}${to}`} onClick={linkClick} aria-current={active ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
}

render(<App />, document.getElementById('app')!);
