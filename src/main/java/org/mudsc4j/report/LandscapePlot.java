package org.mudsc4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleBinaryOperator;
import javax.imageio.ImageIO;
import org.mudsc4j.eval.landscape.LandscapeResult;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.util.AtomicFiles;

/**
 * Draws the loss-landscape figure (ALGORITHM §11 "Plot"): three panels — mean loss, task-A loss, task-B loss — with 5
 * filled contour bands (jet_r colours at alpha 0.55, values clipped), each method's three interpolation points as a
 * dashed black line and a marker at the merged model (square ZipIt!, diamond W. Zip, star MuDSC). Plain Java2D:
 * the charting libraries on Maven Central draw no filled contours.
 */
public final class LandscapePlot {
    private static final int PANEL = 430;
    private static final int MARGIN_LEFT = 55;
    private static final int MARGIN_TOP = 40;
    private static final int MARGIN_BOTTOM = 50;
    private static final int LEVELS = 5;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private LandscapePlot() {
    }

    /**
     * @param clip losses above this value share the top band (the reference clips at 0.4)
     */
    public static void write(LandscapeResult r, double clip, Path png) throws IOException {
        int panelW = MARGIN_LEFT + PANEL + 15;
        int height = MARGIN_TOP + PANEL + MARGIN_BOTTOM + 40;
        BufferedImage img = new BufferedImage(3 * panelW, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        String[] titles = {"mean loss (task A + task B) / 2", "task A loss (" + r.tasks().classNames().get(1) + ")",
                "task B loss (" + r.tasks().classNames().get(3) + ")"};
        List<DoubleBinaryOperator> values = List.of((a, b) -> (a + b) / 2, (a, b) -> a, (a, b) -> b);
        for (int p = 0; p < 3; p++) {
            drawPanel(g, r, values.get(p), titles[p], clip, p * panelW + MARGIN_LEFT, MARGIN_TOP);
        }
        drawLegend(g, 20, MARGIN_TOP + PANEL + MARGIN_BOTTOM + 15);
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
    }

    private static void drawPanel(Graphics2D g, LandscapeResult r, DoubleBinaryOperator value, String title,
                                  double clip, int x0, int y0) {
        double[] xs = r.xs();
        double[] ys = r.ys();
        int nx = xs.length;
        int ny = ys.length;
        double[][] v = new double[ny][nx];
        double min = Double.POSITIVE_INFINITY;
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                v[j][i] = value.applyAsDouble(r.lossA()[j][i], r.lossB()[j][i]);
                min = Math.min(min, v[j][i]);
            }
        }
        double top = clip > min ? clip : min + 1e-9;
        int[][] band = new int[PANEL][PANEL];
        for (int py = 0; py < PANEL; py++) {
            double gy = (PANEL - 1 - py) / (double) (PANEL - 1) * (ny - 1);
            for (int px = 0; px < PANEL; px++) {
                double gx = px / (double) (PANEL - 1) * (nx - 1);
                double val = bilinear(v, gx, gy);
                int b = (int) Math.floor((Math.min(val, top) - min) / (top - min) * LEVELS);
                band[py][px] = Math.max(0, Math.min(LEVELS - 1, b));
            }
        }
        for (int py = 0; py < PANEL; py++) {
            for (int px = 0; px < PANEL; px++) {
                g.setColor(blend(jetR((band[py][px] + 0.5) / LEVELS), 0.55));
                g.fillRect(x0 + px, y0 + py, 1, 1);
            }
        }
        g.setColor(new Color(60, 60, 60));
        for (int py = 0; py < PANEL; py++) {
            for (int px = 0; px < PANEL; px++) {
                if ((px + 1 < PANEL && band[py][px] != band[py][px + 1])
                        || (py + 1 < PANEL && band[py][px] != band[py + 1][px])) {
                    g.fillRect(x0 + px, y0 + py, 1, 1);
                }
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x0, y0, PANEL, PANEL);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x0, y0 - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int k = 0; k <= 4; k++) {
            double fx = xs[0] + (xs[nx - 1] - xs[0]) * k / 4;
            int px = x0 + (int) Math.round(PANEL * k / 4.0);
            g.drawLine(px, y0 + PANEL, px, y0 + PANEL + 4);
            g.drawString(String.format(Locale.ROOT, "%.1f", fx), px - 12, y0 + PANEL + 17);
            double fy = ys[0] + (ys[ny - 1] - ys[0]) * k / 4;
            int py = y0 + PANEL - (int) Math.round(PANEL * k / 4.0);
            g.drawLine(x0 - 4, py, x0, py);
            g.drawString(String.format(Locale.ROOT, "%.1f", fy), x0 - 38, py + 4);
        }
        g.drawString(String.format(Locale.ROOT, "PC1 (%.0f%% var.)", 100 * r.explained()[0]), x0 + PANEL / 2 - 40,
                y0 + PANEL + 32);
        g.drawString(String.format(Locale.ROOT, "PC2 (%.0f%%)", 100 * r.explained()[1]), x0 - 52, y0 - 26);
        g.drawString(String.format(Locale.ROOT, "bands %.3f .. %.3f (clipped)", min, top), x0 + PANEL - 170,
                y0 + PANEL - 6);

        for (LandscapeResult.MethodLine line : r.methods()) {
            int[] px = new int[3];
            int[] py = new int[3];
            for (int k = 0; k < 3; k++) {
                px[k] = x0 + (int) Math.round((line.x()[k] - xs[0]) / (xs[nx - 1] - xs[0]) * PANEL);
                py[k] = y0 + PANEL - (int) Math.round((line.y()[k] - ys[0]) / (ys[ny - 1] - ys[0]) * PANEL);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            g.drawPolyline(px, py, 3);
            g.setStroke(new BasicStroke(1f));
            for (int k : new int[] {0, 2}) {
                g.fill(new Ellipse2D.Double(px[k] - 3, py[k] - 3, 6, 6));
            }
            Shape marker = marker(line.method(), px[1], py[1]);
            g.setColor(Color.WHITE);
            g.fill(marker);
            g.setColor(Color.BLACK);
            g.draw(marker);
        }
    }

    private static void drawLegend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int cx = x;
        for (String m : List.of("zipit", "weight-zip", "mudsc-zip")) {
            Shape s = marker(m, cx + 8, y - 4);
            g.setColor(Color.WHITE);
            g.fill(s);
            g.setColor(Color.BLACK);
            g.draw(s);
            String label = MergeMethod.parse(m).paperName() + " (merged model, r = 0.5)";
            g.drawString(label, cx + 22, y);
            cx += 30 + g.getFontMetrics().stringWidth(label) + 20;
        }
        g.drawString("dashed: r·θA' + (1−r)·θB', r = 0 … 1 (dots at the ends); low loss = red", cx, y);
    }

    private static Shape marker(String method, double cx, double cy) {
        double s = 8;
        return switch (method) {
            case "zipit" -> new Rectangle2D.Double(cx - s, cy - s, 2 * s, 2 * s);
            case "weight-zip" -> new Polygon(new int[] {(int) cx, (int) (cx + s + 2), (int) cx, (int) (cx - s - 2)},
                    new int[] {(int) (cy - s - 2), (int) cy, (int) (cy + s + 2), (int) cy}, 4);
            default -> star(cx, cy, 11, 4.5);
        };
    }

    private static Shape star(double cx, double cy, double outer, double inner) {
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < 10; k++) {
            double rad = k % 2 == 0 ? outer : inner;
            double a = -Math.PI / 2 + k * Math.PI / 5;
            double px = cx + rad * Math.cos(a);
            double py = cy + rad * Math.sin(a);
            if (k == 0) {
                p.moveTo(px, py);
            } else {
                p.lineTo(px, py);
            }
        }
        p.closePath();
        return p;
    }

    private static double bilinear(double[][] v, double gx, double gy) {
        int i = Math.min((int) gx, v[0].length - 2);
        int j = Math.min((int) gy, v.length - 2);
        double fx = gx - i;
        double fy = gy - j;
        return (1 - fx) * (1 - fy) * v[j][i] + fx * (1 - fy) * v[j][i + 1] + (1 - fx) * fy * v[j + 1][i]
                + fx * fy * v[j + 1][i + 1];
    }

    /** Matplotlib's jet, reversed: 0 → dark red (low loss), 1 → dark blue. */
    static Color jetR(double t) {
        double u = 1 - Math.max(0, Math.min(1, t));
        double r = clamp(1.5 - Math.abs(4 * u - 3));
        double g = clamp(1.5 - Math.abs(4 * u - 2));
        double b = clamp(1.5 - Math.abs(4 * u - 1));
        return new Color((float) r, (float) g, (float) b);
    }

    private static Color blend(Color c, double alpha) {
        return new Color((int) Math.round(alpha * c.getRed() + (1 - alpha) * 255),
                (int) Math.round(alpha * c.getGreen() + (1 - alpha) * 255),
                (int) Math.round(alpha * c.getBlue() + (1 - alpha) * 255));
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
