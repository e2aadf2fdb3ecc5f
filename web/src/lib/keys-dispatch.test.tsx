import { cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useKeys } from './keys';

afterEach(cleanup);

function Shell({ onQ, children }: { onQ: () => void; children?: preact.ComponentChildren }) {
  useKeys({ q: onQ, '?': onQ }, true);
  return <div>{children}</div>;
}
function Screen({ onQ, onJ, onGi }: { onQ: () => void; onJ: () => void; onGi: () => void }) {
  useKeys({ q: onQ, j: onJ, 'g i': onGi });
  return <input aria-label="field" />;
}

describe('useKeys', () => {
  it("lets a screen's keys win over the shell's, whatever the mount order", () => {
    const shellQ = vi.fn();
    const screenQ = vi.fn();
    render(<Shell onQ={shellQ}><Screen onQ={screenQ} onJ={() => undefined} onGi={() => undefined} /></Shell>);
    fireEvent.keyDown(document.body, { key: 'q' });
    expect(screenQ).toHaveBeenCalledTimes(1);
    expect(shellQ).not.toHaveBeenCalled();
  });

  it('ignores keys typed into a field and understands two-key sequences', () => {
    const j = vi.fn();
    const gi = vi.fn();
    const { getByLabelText } = render(<Screen onQ={() => undefined} onJ={j} onGi={gi} />);
    fireEvent.keyDown(getByLabelText('field'), { key: 'j' });
    expect(j).not.toHaveBeenCalled();
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(j).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(document.body, { key: 'g' });
    fireEvent.keyDown(document.body, { key: 'i' });
    expect(gi).toHaveBeenCalledTimes(1);
  });

  it('stops listening when the screen goes away', () => {
    const j = vi.fn();
    const { unmount } = render(<Screen onQ={() => undefined} onJ={j} onGi={() => undefined} />);
    unmount();
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(j).not.toHaveBeenCalled();
  });
});
