-- Who is in which chat group, as the IM platform reports it (PUT/DELETE /v1/groups/{groupId}/members/{userId}).
-- Ids compare byte by byte (COLLATE "C", as V2 made every identifier): a group's members page in that order.
-- A row exists only while the user is a member: leaving deletes it, so a member count is a count of rows.
CREATE TABLE group_members (
    group_id  text COLLATE "C" NOT NULL,
    user_id   text COLLATE "C" NOT NULL,
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
);

-- "The groups I am in", for the envelopes that come with groups.
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);
