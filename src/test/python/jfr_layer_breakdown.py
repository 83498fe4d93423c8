"""Where a DL4J training step spends its time, from a Java Flight Recorder file.

Record a benchmark, then aggregate the native-method samples taken inside ComputationGraph.fit by the
layer/helper method that called into libnd4j, and the Java execution samples (e.g. the hand-written norm
kernels) by the layer that ran them:

    MUDSC_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/step.jfr,settings=profile" \\
        ./mudsc bench train --models resnet20x1 --iters 20 --infer-iters 1
    python3 src/test/python/jfr_layer_breakdown.py /tmp/step.jfr
"""
import collections
import json
import subprocess
import sys

OWNERS = ('deeplearning4j.nn.layers', 'deeplearning4j.nn.graph.vertex.impl', 'mudsc4j.dl4j', 'mudsc4j.zoo.layers',
          'mudsc4j.train', 'deeplearning4j.nn.updater', 'deeplearning4j.nn.graph.ComputationGraph')


def samples(jfr, event):
    out = subprocess.run(['jfr', 'print', '--json', '--stack-depth', '64', '--events', event, jfr],
                         check=True, capture_output=True, text=True).stdout
    for e in json.loads(out)['recording']['events']:
        frames = [f['method']['type']['name'].replace('/', '.') + '.' + f['method']['name']
                  for f in e['values']['stackTrace']['frames']]
        if any('ComputationGraph.fit' in f for f in frames):
            yield frames


def main(jfr):
    counts = collections.Counter()
    # settings=profile samples threads in native code every 20 ms and threads in Java every 10 ms
    for event, period_ms in (('jdk.NativeMethodSample', 20), ('jdk.ExecutionSample', 10)):
        for frames in samples(jfr, event):
            owner = next((f for f in frames if any(o in f for o in OWNERS)), frames[-1])
            counts[owner.rsplit('.', 2)[-2] + '.' + owner.rsplit('.', 1)[-1]] += period_ms
    total = sum(counts.values())
    print(f'{total / 1000:.1f} s of sampled thread time inside ComputationGraph.fit')
    for owner, n in counts.most_common(15):
        print(f'{100 * n / total:5.1f} %  {owner}')


if __name__ == '__main__':
    main(sys.argv[1])
