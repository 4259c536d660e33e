package dev.rain.api.rain;

import dev.rain.common.ledger.RainRecord;
import dev.rain.common.event.RoomEvent;

/** Room events built from a rain's row. */
final class RoomEvents {

    private RoomEvents() {
    }

    static RoomEvent.RainStart start(RainRecord rain) {
        return new RoomEvent.RainStart(rain.configCode(), rain.roomId(), rain.totalCount(), rain.totalAmount(),
            rain.countdownSeconds(), rain.startsAt().toString(), rain.endsAt().toString());
    }

    static RoomEvent.RainEnd end(RainRecord rain) {
        return new RoomEvent.RainEnd(rain.configCode(), rain.roomId(), rain.settledCount(), rain.settledAmount(),
            rain.refundedAmount(), bestLuck(rain));
    }

    static RoomEvent.BestLuck bestLuck(RainRecord rain) {
        return rain.bestLuckUser() == null ? null : new RoomEvent.BestLuck(rain.bestLuckUser(), rain.bestLuckAmount());
    }
}
