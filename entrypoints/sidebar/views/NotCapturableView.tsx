import type { PageCapture } from '../../../messaging/protocol';

type NotCapturable = Extract<PageCapture['result'], { kind: 'not-capturable' }>;

const TEXT: Record<string, string> = {
  'not-found': 'This profile does not exist or is not visible to you.',
  'auth-wall': 'LinkedIn is asking to sign in: nothing to read on this page.',
  'not-a-profile-page': 'This page is not a profile, company or lead page.',
  'missing-field': 'This page does not show what Rapport needs (its layout may have changed).',
  invalid: 'Rapport could not read this page reliably (its layout may have changed).',
  'no-thread': 'Open a conversation to see the people in it.',
  'unsupported-page': 'Open a conversation to see the people in it.',
};

/** A page with nothing to capture: says why. */
export function NotCapturableView({ capture }: { capture: NotCapturable }) {
  return (
    <div class="empty" data-testid="not-a-profile" data-reason={capture.reason} role="status">
      <p>{TEXT[capture.reason] ?? 'Nothing to capture on this page.'}</p>
      {(capture.reason === 'missing-field' || capture.reason === 'invalid') && <p class="small muted">{capture.detail}</p>}
    </div>
  );
}
