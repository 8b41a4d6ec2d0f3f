// A task record for tests of what shows tasks; `over` sets the fields a case is about.
import type { Task } from '../../../storage/schema';

export const makeTask = (over: Partial<Task> = {}): Task => ({
  id: 'tk_1',
  title: 'Call back',
  done: false,
  contactIds: [],
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  sources: [],
  ...over,
});
