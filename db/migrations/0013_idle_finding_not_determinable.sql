-- Land whose construction stopped more than a year ago, but whose developed and invested shares are not known, is
-- neither idle nor cleared: the rule cannot be applied. The run lists it as not determinable, with what is missing.
ALTER TABLE idle_finding DROP CONSTRAINT idle_finding_rule;
ALTER TABLE idle_finding ADD CONSTRAINT idle_finding_rule CHECK (rule IN ('not_started', 'stalled', 'stalled_not_determinable'));
ALTER TABLE idle_finding ADD COLUMN missing text[] NOT NULL DEFAULT '{}';
