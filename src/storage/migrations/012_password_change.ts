// Forced password change (issue 19): a password the server generated (the first admin's,
// shown once at first start) must be replaced at the first login. The flag stays set until
// the user changes their own password; the API refuses everything else meanwhile. Number
// 011 is taken by the alarm lifecycle, developed at the same time.
import type { Migration } from './types.js';

export const passwordChange: Migration = {
  version: 12,
  name: 'password_change',
  statements() {
    // The same statement in both dialects: existing users keep the passwords they chose.
    return ['ALTER TABLE web_users ADD COLUMN must_change_password SMALLINT NOT NULL DEFAULT 0'];
  },
};
