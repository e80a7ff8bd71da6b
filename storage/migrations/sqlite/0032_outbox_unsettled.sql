-- The outbox is leased in id order among the rows not yet settled: with
-- this index a lease reads only those, where it used to walk past every
-- message ever sent (a hundred thousand a Monday at scale).

CREATE INDEX outbox_unsettled ON outbox (id) WHERE status IN ('pending', 'sending');
