package dev.rain.api.kafka;

import dev.rain.api.redis.Micros;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.id.Ids;

/**
 * A packet taken in Redis and waiting in a shard's outbox stream until Kafka has it.
 *
 * @param entryId the outbox stream entry, deleted once Kafka confirmed the claim
 * @param micros  Redis server time of the grab, microseconds since the epoch
 */
public record OutboxClaim(String configCode, int shard, String entryId, int index, String userId, long amount,
                          int slot, String micros) {

    public SettlementEvent toEvent(String roomId, String anchorId) {
        return SettlementEvent.grab(Ids.packetId(configCode, index), configCode, roomId, anchorId, userId, amount,
            Micros.parse(micros).toString());
    }

    /** Identity of the outbox entry across instances, to avoid sending it twice at once. */
    public String key() {
        return configCode + '/' + shard + '/' + entryId;
    }
}
