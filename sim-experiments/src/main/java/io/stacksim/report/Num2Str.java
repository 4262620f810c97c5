package io.stacksim.report;

/**
 * fio's num2str (lib/num2str.c): a number in at most {@code maxlen} digits with an SI or IEC
 * prefix, "complete with carry rounding error", as fio's normal output prints IOPS, bandwidth
 * and sizes ({@code 13.2k}, {@code 828MiB/s}, {@code 64.0KiB}).
 */
public final class Num2Str {
    /** N2S_* units. */
    public enum Unit {
        NONE(""), PERSEC("/s"), BYTE("B"), BIT("bit"), BYTEPERSEC("B/s"), BITPERSEC("bit/s");

        final String text;

        Unit(String text) {
            this.text = text;
        }
    }

    private static final String[] SI = {"", "k", "M", "G", "T", "P", "E"};
    private static final String[] IEC = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Num2Str() {
    }

    /**
     * @param num    the quantity (unsigned)
     * @param maxlen digits allowed, the '.' counted
     * @param base   multiplier of num (1024 when num is in KiB)
     * @param pow2   IEC prefixes and powers of 1024, else SI and 1000
     */
    public static String format(long num, int maxlen, int base, boolean pow2, Unit unit) {
        String[] prefix = pow2 ? IEC : SI;
        int thousand = pow2 ? 1024 : 1000;
        int post = 0;
        for (int b = base; b > 1; b /= thousand) {
            post++;
        }
        if (unit == Unit.BIT || unit == Unit.BITPERSEC) {
            num *= 8;
        }
        long modulo = -1;
        boolean carry = false;
        while (post < SI.length) {
            if (Long.toUnsignedString(num).length() <= maxlen) {
                break;
            }
            modulo = Long.remainderUnsigned(num, thousand);
            num = Long.divideUnsigned(num, thousand);
            carry = modulo >= thousand / 2;
            post++;
        }
        if (post >= SI.length) {
            post = 0;
        }
        if (modulo == -1) {
            return Long.toUnsignedString(num) + prefix[post] + unit.text;
        }
        int room = maxlen - Long.toUnsignedString(num).length();
        if (room <= 1) {
            if (carry) {
                num++;
            }
            return Long.toUnsignedString(num) + prefix[post] + unit.text;
        }
        String tmp = String.format(java.util.Locale.ROOT, "%." + (room - 1) + "f", (double) modulo / thousand);
        if (tmp.charAt(0) == '1') {
            num++;
        }
        return Long.toUnsignedString(num) + "." + tmp.substring(2) + prefix[post] + unit.text;
    }
}
