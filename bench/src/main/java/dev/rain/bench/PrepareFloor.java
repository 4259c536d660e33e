package dev.rain.bench;

import dev.rain.common.RainMode;
import dev.rain.common.split.PacketSplitter;
import dev.rain.common.split.ShardDeal;
import dev.rain.common.split.StrongRandom;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The prepare floor: the least work a prepare of n packets must do, timed in parts on this machine now.
 * Split and shuffle with the product's own splitter (one thread), encode the same "index:amount"
 * bytes with the product's encoder, and push them to Redis with plain pipelined RPUSHes of the same batch size into lists of the
 * same shard size, on one connection, with no lock, fence, counters or verification.
 *
 * <p>Usage: {@code PrepareFloor <redis-host> <redis-port> <n> <packets-per-shard> <batch>}.
 */
public final class PrepareFloor {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        int perShard = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);

        long t0 = System.nanoTime();
        StrongRandom random = new StrongRandom();
        long[] amounts = PacketSplitter.split(RainMode.LUCKY, 100L * n, n, random);
        int[] order = PacketSplitter.shuffledOrder(n, random);
        long t1 = System.nanoTime();
        byte[][] packets = encodeInLoadOrder(amounts, order);
        long t2 = System.nanoTime();
        int commands = push(host, port, packets, perShard, batch);
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT,
            "packets=%d split_shuffle_s=%.3f encode_s=%.3f rpush_s=%.3f rpush_commands=%d floor_s=%.3f%n",
            n, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, commands, (t3 - t0) / 1e9);
    }

    private static byte[][] encodeInLoadOrder(long[] amounts, int[] order) {
        int n = order.length;
        // As the product does: the amounts gathered in load order first, then encoded.
        long[] loadOrderAmounts = new long[n];
        for (int i = 0; i < n; i++) {
            loadOrderAmounts[i] = amounts[order[i]];
        }
        byte[][] packets = new byte[n][];
        for (int i = 0; i < n; i++) {
            packets[i] = ShardDeal.encode(order[i], loadOrderAmounts[i]);
        }
        return packets;
    }

    /**
     * RPUSHes the packets in batches into shard lists, UNLINKs the lists, and returns the number of RPUSHes once
     * every reply has been read.
     */
    private static int push(String host, int port, byte[][] packets, int perShard, int batch)
        throws IOException, InterruptedException {
        int n = packets.length;
        String prefix = "bench:prepare-floor:" + System.nanoTime() + ":";
        int commands = 0;
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            int shards = (n + perShard - 1) / perShard;
            int replies = (n + batch - 1) / batch + shards;
            Thread reader = new Thread(() -> readReplies(in, replies));
            reader.start();
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                // Batches never straddle shards when batch divides the shard size, as in the product.
                String key = prefix + "{" + (from / perShard) + "}";
                writeCommand(out, key, packets, from, to);
                commands++;
            }
            for (int shard = 0; shard < shards; shard++) {
                writeArray(out, "UNLINK".getBytes(StandardCharsets.US_ASCII),
                    (prefix + "{" + shard + "}").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            reader.join();
        }
        return commands;
    }

    private static void writeCommand(OutputStream out, String key, byte[][] packets, int from, int to)
        throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(("*" + (to - from + 2) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(header.toByteArray());
        bulk(out, "RPUSH".getBytes(StandardCharsets.US_ASCII));
        bulk(out, key.getBytes(StandardCharsets.US_ASCII));
        for (int i = from; i < to; i++) {
            bulk(out, packets[i]);
        }
    }

    private static void writeArray(OutputStream out, byte[]... parts) throws IOException {
        out.write(("*" + parts.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] part : parts) {
            bulk(out, part);
        }
    }

    private static void bulk(OutputStream out, byte[] value) throws IOException {
        out.write('$');
        out.write(Integer.toString(value.length).getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
        out.write(value);
        out.write('\r');
        out.write('\n');
    }

    /** Every reply of these commands is one line (an integer or an error). */
    private static void readReplies(InputStream in, int count) {
        try {
            int lines = 0;
            int previous = -1;
            while (lines < count) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("Redis closed the connection after " + lines + " replies");
                }
                if (b == '-' && previous == '\n' || b == '-' && lines == 0 && previous == -1) {
                    throw new IOException("Redis refused a command");
                }
                if (previous == '\r' && b == '\n') {
                    lines++;
                }
                previous = b;
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
