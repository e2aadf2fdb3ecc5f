// The admin screens by section (loaded on demand, not part of the agent's first screen).
import { CannedAdmin } from './CannedAdmin';
import { JobsAdmin } from './JobsAdmin';
import { TeamsAdmin } from './TeamsAdmin';
import { TokensAdmin } from './TokensAdmin';
import { UsersAdmin } from './UsersAdmin';

const SECTIONS: Record<string, () => preact.JSX.Element> = {
  users: UsersAdmin,
  teams: TeamsAdmin,
  tokens: TokensAdmin,
  canned: CannedAdmin,
  jobs: JobsAdmin,
};

export function AdminPage({ section }: { section: string }) {
  const Section = SECTIONS[section];
  return (
    <section class="admin">
      {Section ? <Section /> : (<><h1>Not found</h1><p>There is no admin screen “{section}”.</p></>)}
    </section>
  );
}
