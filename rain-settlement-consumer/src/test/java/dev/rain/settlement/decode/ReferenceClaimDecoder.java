package dev.rain.settlement.decode;

import com.fasterxml.jackson.core.JacksonException;
import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.event.SettlementType;
import dev.rain.common.id.Ids;
import dev.rain.common.ledger.settle.Claim;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;

/**
 * The claim decoder as it was before its fast path: Jackson's data binding, the id regexes and
 * {@link Instant#parse} for every record. Kept unchanged as the reference the fast decoder must agree with,
 * verdict and message, on every input (ClaimDecoderEquivalenceTest).
 */
final class ReferenceClaimDecoder {

    /** Packet indexes are 0..totalCount-1, with totalCount at most in the millions. */
    private static final Pattern PACKET_INDEX = Pattern.compile("0|[1-9][0-9]{0,8}");

    /** Past this, Postgres cannot store the instant; nothing legitimate is that far out anyway. */
    private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    private ReferenceClaimDecoder() {
    }

    static Claim decode(byte[] value, Headers headers) throws PoisonRecordException {
        if (value == null) {
            throw new PoisonRecordException("record has no value");
        }
        SettlementEvent event = parse(value);
        checkCommonFields(event);
        Instant occurredAt = instant(event.occurredAt());
        if (event.type() == SettlementType.GRAB) {
            checkPacketId(event);
            return new Claim(event, occurredAt, GrabSlotHeader.parse(headers));
        }
        checkRefund(event);
        return new Claim(event, occurredAt, Claim.NO_SLOT);
    }

    private static SettlementEvent parse(byte[] value) throws PoisonRecordException {
        try {
            return Json.MAPPER.readValue(value, SettlementEvent.class);
        } catch (JacksonException e) {
            throw new PoisonRecordException("value is not a settlement event: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PoisonRecordException("value is not a settlement event: " + e.getMessage(), e);
        }
    }

    private static void checkCommonFields(SettlementEvent event) throws PoisonRecordException {
        require(event.schemaVersion() == SettlementEvent.SCHEMA_VERSION,
            "schemaVersion " + event.schemaVersion() + " is not " + SettlementEvent.SCHEMA_VERSION);
        require(event.type() != null, "type is missing");
        require(event.bizId() != null, "bizId is missing");
        require(Ids.isConfigCode(event.configCode()), "configCode is not a config code: " + event.configCode());
        require(Ids.isRoomId(event.roomId()), "roomId is not a room id: " + event.roomId());
        require(Ids.isUserId(event.anchorId()), "anchorId is not a user id: " + event.anchorId());
        require(Ids.isUserId(event.userId()), "userId is not a user id: " + event.userId());
        require(event.amount() > 0, "amount must be positive, was " + event.amount());
        require(event.occurredAt() != null, "occurredAt is missing");
    }

    private static void checkPacketId(SettlementEvent grab) throws PoisonRecordException {
        String prefix = grab.configCode() + ':';
        require(grab.bizId().startsWith(prefix) && PACKET_INDEX.matcher(grab.bizId().substring(prefix.length())).matches(),
            "bizId of a grab must be <configCode>:<index>, was " + grab.bizId());
    }

    private static void checkRefund(SettlementEvent refund) throws PoisonRecordException {
        require(refund.bizId().equals(Ids.refundBizId(refund.configCode())),
            "bizId of a refund must be <configCode>:refund, was " + refund.bizId());
        require(refund.userId().equals(refund.anchorId()),
            "a refund credits its anchor, but userId " + refund.userId() + " is not anchorId " + refund.anchorId());
    }

    /** Postgres keeps microseconds; truncating here makes a redelivered grab compare equal to its journal row. */
    private static Instant instant(String text) throws PoisonRecordException {
        Instant instant;
        try {
            instant = Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new PoisonRecordException("occurredAt is not an ISO-8601 UTC instant: " + text, e);
        }
        require(!instant.isBefore(Instant.EPOCH) && instant.isBefore(LATEST), "occurredAt is out of range: " + text);
        return instant;
    }

    private static void require(boolean condition, String problem) throws PoisonRecordException {
        if (!condition) {
            throw new PoisonRecordException(problem);
        }
    }
}
