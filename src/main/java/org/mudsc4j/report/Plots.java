package org.mudsc4j.report;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.mudsc4j.eval.Accuracies;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.sweep.PairResult;
import org.mudsc4j.util.AtomicFiles;

/** The experiment's PNG charts, drawn headless with XChart and written atomically. */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** Joint and Avg test accuracy per table row (mean over pairs, sample std as error bars). */
    public static void methodBars(Map<String, List<Accuracies>> rows, Path png, String title) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(560).title(title + ": test accuracy")
                .xAxisTitle("").yAxisTitle("accuracy (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setErrorBarsColorSeriesColor(false);
        List<String> labels = new ArrayList<>(rows.keySet());
        for (String column : List.of("Joint", "Avg")) {
            List<Double> means = new ArrayList<>();
            List<Double> stds = new ArrayList<>();
            for (String label : labels) {
                Summary s = Summary.of(rows.get(label), column.equals("Joint") ? Accuracies::joint : Accuracies::avg);
                means.add(s.mean());
                stds.add(s.std());
            }
            chart.addSeries(column, labels, means, stds);
        }
        save(chart, png);
    }

    /** Training-data accuracy against α for every MuDSC variant (mean over pairs), the chosen α's marked in the CSV. */
    public static void alphaCurves(List<PairResult> results, Path png, String title) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title + ": accuracy vs alpha (training data)")
                .xAxisTitle("alpha (weight on the weight-space similarity)").yAxisTitle("accuracy (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        Map<String, TreeMap<Double, List<Accuracies>>> curves = new TreeMap<>();
        for (PairResult r : results) {
            for (PairResult.MethodResult m : r.methods()) {
                for (PairResult.AlphaPoint p : m.alphaCurve()) {
                    curves.computeIfAbsent(m.method(), k -> new TreeMap<>())
                            .computeIfAbsent(p.alpha(), k -> new ArrayList<>()).add(p.train());
                }
            }
        }
        for (Map.Entry<String, TreeMap<Double, List<Accuracies>>> e : curves.entrySet()) {
            String name = MergeMethod.parse(e.getKey()).paperName();
            List<Double> xs = new ArrayList<>(e.getValue().keySet());
            for (String column : List.of("Joint", "Avg")) {
                List<Double> ys = new ArrayList<>();
                for (List<Accuracies> at : e.getValue().values()) {
                    ys.add(Summary.of(at, column.equals("Joint") ? Accuracies::joint : Accuracies::avg).mean());
                }
                XYSeries s = chart.addSeries(name + " " + column, xs, ys);
                if (column.equals("Avg")) {
                    s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            new float[] {6f, 4f}, 0f));
                }
            }
        }
        save(chart, png);
    }

    static void save(Chart<?, ?> chart, Path png) throws IOException {
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(png, out -> out.write(bytes));
    }
}
