package dev.rain.bench.results;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's printf conversions as the table has always printed them. Java's {@code %g} keeps trailing zeros and its
 * {@code %.0f} rounds half up on the decimal string; C rounds the exact binary value to nearest even and {@code %g}
 * drops trailing zeros, so 0.5 stays "0.5" and 2.5 ms stays "2" here as before.
 */
final class PrintfFormat {

    private PrintfFormat() {
    }

    /** {@code printf("%.<decimals>f", x)}. */
    static String fixed(double x, int decimals) {
        return new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** {@code printf("%.<digits>g", x)}. */
    static String general(double x, int digits) {
        if (x == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(x).round(new MathContext(digits, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= digits) {
            String mantissa = rounded.movePointLeft(exponent).stripTrailingZeros().toPlainString();
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    /** A figure in the table: whole numbers from 100 up, three significant digits below. */
    static String figure(double x) {
        if (Double.isNaN(x)) {
            return "-";
        }
        return x >= 100 ? fixed(x, 0) : general(x, 3);
    }
}
