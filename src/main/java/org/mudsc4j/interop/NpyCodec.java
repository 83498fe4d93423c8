package org.mudsc4j.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The NumPy {@code .npy} format (version 1.0/2.0, C order, little endian) for the dtypes a PyTorch state_dict needs:
 * float16/32/64, int32/64, uint8, bool. Written by hand because ND4J M2.1's npz reader fails on its own files.
 */
final class NpyCodec {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private NpyCodec() {
    }

    static byte[] encode(INDArray array) {
        DataType type = array.dataType();
        String descr = switch (type) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case LONG -> "<i8";
            case INT -> "<i4";
            case UBYTE -> "|u1";
            default -> throw new IllegalArgumentException("cannot write " + type + " to .npy");
        };
        long[] shape = array.shape();
        String dims = shape.length == 0 ? "" : shape.length == 1 ? shape[0] + ","
                : String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList());
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        INDArray c = array.dup('c');
        long n = c.length();
        int width = type == DataType.UBYTE ? 1 : type == DataType.FLOAT || type == DataType.INT ? 4 : 8;
        ByteBuffer body = ByteBuffer.allocate(Math.toIntExact(n * width)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            switch (type) {
                case FLOAT -> body.putFloat(c.getFloat(i));
                case DOUBLE -> body.putDouble(c.getDouble(i));
                case LONG -> body.putLong(c.getLong(i));
                case INT -> body.putInt(c.getInt((int) i));
                default -> body.put((byte) c.getInt((int) i));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        out.write(h.length & 0xff);
        out.write((h.length >> 8) & 0xff);
        out.writeBytes(h);
        out.writeBytes(body.array());
        return out.toByteArray();
    }

    static INDArray decode(byte[] bytes, String name) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (!buf.hasRemaining() || buf.get() != b) {
                throw new IOException(name + ": not a .npy array (bad magic)");
            }
        }
        int major = buf.get() & 0xff;
        buf.get();
        int headerLen = major == 1 ? buf.getShort() & 0xffff : buf.getInt();
        String header = new String(bytes, buf.position(), headerLen, StandardCharsets.ISO_8859_1);
        buf.position(buf.position() + headerLen);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(name + ": unreadable .npy header " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new IOException(name + ": Fortran-order arrays are not supported; save with C order");
        }
        String[] parts = s.group(1).split(",");
        long[] shape = Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong)
                .toArray();
        long n = 1;
        for (long dim : shape) {
            n *= dim;
        }
        String descr = d.group(1);
        if (descr.startsWith(">")) {
            throw new IOException(name + ": big-endian arrays are not supported");
        }
        double[] values = new double[Math.toIntExact(n)];
        DataType type;
        switch (descr.substring(1)) {
            case "f4" -> {
                type = DataType.FLOAT;
                for (int i = 0; i < values.length; i++) {
                    values[i] = buf.getFloat();
                }
            }
            case "f8" -> {
                type = DataType.DOUBLE;
                for (int i = 0; i < values.length; i++) {
                    values[i] = buf.getDouble();
                }
            }
            case "f2" -> {
                type = DataType.FLOAT;
                for (int i = 0; i < values.length; i++) {
                    values[i] = halfToFloat(buf.getShort());
                }
            }
            case "i8" -> {
                type = DataType.LONG;
                for (int i = 0; i < values.length; i++) {
                    values[i] = buf.getLong();
                }
            }
            case "i4" -> {
                type = DataType.INT;
                for (int i = 0; i < values.length; i++) {
                    values[i] = buf.getInt();
                }
            }
            case "u1", "b1" -> {
                type = DataType.UBYTE;
                for (int i = 0; i < values.length; i++) {
                    values[i] = buf.get() & 0xff;
                }
            }
            default -> throw new IOException(name + ": unsupported dtype " + descr);
        }
        if (buf.remaining() < 0) {
            throw new IOException(name + ": truncated data");
        }
        INDArray flat = Nd4j.createFromArray(values);
        return (shape.length == 0 ? flat.reshape(new long[0]) : flat.reshape('c', shape)).castTo(type);
    }

    /** IEEE 754 binary16 → float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = (float) (mant * Math.pow(2, -24));
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = (float) ((1 + mant / 1024.0) * Math.pow(2, exp - 15));
        }
        return sign == 1 ? -v : v;
    }
}
