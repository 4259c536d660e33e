package dev.rain.api.group;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.groups.GroupSql;
import io.vertx.core.Future;
import java.util.List;

/** Chat groups as the IM platform reports them: who joins, who leaves, and who may see the members. */
public final class GroupService {

    /**
     * One page of a group's members in id order.
     *
     * @param last the page's last member when more follow it, else null
     */
    public record Page(List<String> members, String last) {
    }

    private final LedgerExecutor ledger;
    private final int maxMembers;

    public GroupService(LedgerExecutor ledger, int maxMembers) {
        this.ledger = ledger;
        this.maxMembers = maxMembers;
    }

    /** Idempotent; refused with GROUP_FULL, changing nothing, when a new member would pass the cap. */
    public Future<Void> join(String groupId, String userId) {
        return ledger.transaction(c -> {
            GroupSql.join(c, groupId, userId, maxMembers);
            return null;
        });
    }

    /** Idempotent: leaving a group one is not in is already done. */
    public Future<Void> leave(String groupId, String userId) {
        return ledger.transaction(c -> {
            GroupSql.leave(c, groupId, userId);
            return null;
        });
    }

    /**
     * The members after {@code afterUserId} ("" for the first page). A {@code privileged} reader (the IM platform,
     * an admin) reads any group, an unknown one as empty; anyone else only a group they are in (NOT_A_MEMBER).
     */
    public Future<Page> members(String groupId, String readerId, boolean privileged, String afterUserId, int limit) {
        return ledger.transaction(c -> {
            if (!privileged && !GroupSql.isMember(c, groupId, readerId)) {
                throw new RainException(ErrorCode.NOT_A_MEMBER, "only the group's members may read its members");
            }
            // One more than asked: whether another page follows, without a count.
            List<String> members = GroupSql.members(c, groupId, afterUserId, limit + 1);
            if (members.size() <= limit) {
                return new Page(members, null);
            }
            List<String> page = List.copyOf(members.subList(0, limit));
            return new Page(page, page.get(limit - 1));
        });
    }
}
