"""The training loop: it learns, it is reproducible, it keeps a history, and it stops clearly on NaN."""
import numpy as np
import pytest

import nnkit


def _moons_model(seed=0):
    return nnkit.Sequential(nnkit.Linear(2, 16, seed=seed), nnkit.Tanh(), nnkit.Linear(16, 2, seed=seed + 1))


def test_train_learns_moons_and_keeps_history():
    X, y = nnkit.moons(300, noise=0.1, seed=1)
    model = _moons_model()
    hist = nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.Adam(0.02), X, y, epochs=60, batch_size=32,
                       X_val=X, y_val=y, progress=False)
    assert len(hist) == 60 and [r["epoch"] for r in hist] == list(range(1, 61))
    assert hist[-1]["loss"] < hist[0]["loss"] / 3
    assert nnkit.accuracy(model.predict(X), y) > 0.95
    assert hist[-1]["val_accuracy"] == pytest.approx(nnkit.accuracy(model.forward(X), y))
    cols = hist.as_dict()
    assert set(cols) >= {"loss", "accuracy", "val_loss", "val_accuracy", "seconds"}
    assert all(s > 0 for s in cols["seconds"])


def test_training_is_reproducible_with_a_seed():
    X, y = nnkit.moons(100, seed=2)
    runs = []
    for _ in range(2):
        m = _moons_model(3)
        nnkit.train(m, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.5), X, y, epochs=3, batch_size=10, seed=7,
                    progress=False)
        runs.append(_flat(m))
    assert np.array_equal(runs[0], runs[1])
    m = _moons_model(3)
    nnkit.train(m, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.5), X, y, epochs=3, batch_size=10, seed=8, progress=False)
    assert not np.array_equal(runs[0], _flat(m))


def _flat(model):
    return np.concatenate([p.ravel() for p in model.params.values()])


def test_nan_loss_stops_with_an_explanation_and_restores_the_model():
    X, y = nnkit.moons(200, seed=0)
    X = X * 1000.0                                   # unscaled inputs and a huge learning rate
    model = nnkit.mlp([2, 50, 2], seed=0)
    with pytest.raises(nnkit.TrainingDiverged) as info:
        nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(1e4), X, y, epochs=50, batch_size=20,
                    progress=False)
    err = info.value
    msg = str(err)
    assert "learning rate" in msg and "lr=10000" in msg and "too high" in msg
    assert not np.isfinite(err.loss)
    assert np.all(np.isfinite(_flat(model)))      # the bad step's NaNs were not kept
    assert len(err.history) == err.epoch - 1
    # restored to the start of the failing epoch: the same model trained (same seed) for the finished epochs
    reference = nnkit.mlp([2, 50, 2], seed=0)
    if err.epoch > 1:
        nnkit.train(reference, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(1e4), X, y, epochs=err.epoch - 1,
                    batch_size=20, progress=False)
    assert np.array_equal(_flat(model), _flat(reference))


def test_regression_with_mse():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 1))
    t = 3 * X - 0.5
    model = nnkit.Sequential(nnkit.Linear(1, 1, seed=0))
    hist = nnkit.train(model, nnkit.MSE(), nnkit.SGD(0.1), X, t, epochs=50, batch_size=20, progress=False)
    assert hist[-1]["accuracy"] is None
    assert model.params["W1"][0, 0] == pytest.approx(3.0, abs=1e-3)
    assert model.params["b1"][0] == pytest.approx(-0.5, abs=1e-3)


def test_binary_classification_on_two_clouds():
    X, y = nnkit.two_clouds(200, seed=0)
    model = nnkit.Sequential(nnkit.Linear(2, 1, seed=0))
    nnkit.train(model, nnkit.BinaryCrossEntropy(from_logits=True), nnkit.SGD(0.5), X, y, epochs=20,
                batch_size=50, progress=False)
    assert nnkit.accuracy(model.predict(X), y) > 0.9


def test_progress_bar_runs(capsys):
    X, y = nnkit.moons(50, seed=0)
    nnkit.train(_moons_model(), nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y, epochs=2, batch_size=10)
    captured = capsys.readouterr()
    assert "epoch 2/2" in captured.err and "10/10" in captured.err
    assert captured.out.startswith("trained 2 epochs in ") and "accuracy" in captured.out


def test_progress_bar_is_text_outside_a_kernel_whatever_was_imported_before(capsys, monkeypatch):
    """tqdm.auto chooses its notebook bar, once, at its first import, if anything imported ipykernel's shell
    before (an earlier test can: test_notebooks reads the kernel's language_info from ipykernel). Outside a
    kernel train's bar must be text on stderr whatever ran before: here tqdm.auto is imported afresh (the
    modules are put back afterwards) after ipykernel's shell."""
    import importlib
    import sys
    for name in [m for m in sys.modules if m == "tqdm.auto" or m == "tqdm.autonotebook"]:
        monkeypatch.delitem(sys.modules, name)
    importlib.import_module("ipykernel.zmqshell")
    X, y = nnkit.moons(50, seed=0)
    nnkit.train(_moons_model(), nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y, epochs=2, batch_size=10)
    captured = capsys.readouterr()
    assert "epoch 2/2" in captured.err and "10/10" in captured.err, captured
    assert captured.out.startswith("trained 2 epochs in "), captured.out


def test_train_sets_the_scheduled_learning_rate_before_every_update():
    """schedule(progress) is asked before each of the epochs x batches updates, with progress = updates done /
    all updates, and its answer is the lr of that update: a schedule that always answers the optimizer's own
    lr trains exactly as no schedule, and one that answers 0 for the second half leaves the weights as they
    were after the first half."""
    X, y = nnkit.moons(60, seed=4)
    asked = []

    def constant(progress):
        asked.append(progress)
        return 0.1
    runs = []
    for schedule in (None, constant):
        m = _moons_model(5)
        nnkit.train(m, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y, epochs=3, batch_size=20, seed=1,
                    progress=False, schedule=schedule)
        runs.append(_flat(m))
    assert asked == [k / 9 for k in range(9)]
    assert np.array_equal(runs[0], runs[1])
    half = _moons_model(5)
    nnkit.train(half, nnkit.SoftmaxCrossEntropy(), nnkit.SGD(0.1), X, y, epochs=1, batch_size=20, seed=1,
                progress=False)
    stopped = _moons_model(5)
    opt = nnkit.SGD(0.1)
    nnkit.train(stopped, nnkit.SoftmaxCrossEntropy(), opt, X, y, epochs=2, batch_size=20, seed=1, progress=False,
                schedule=lambda progress: 0.1 if progress < 0.5 else 0.0)
    assert np.array_equal(_flat(stopped), _flat(half)) and opt.lr == 0.0
    with pytest.raises(TypeError, match="schedule must be a function"):
        nnkit.train(half, nnkit.SoftmaxCrossEntropy(), opt, X, y, schedule=0.1, progress=False)


def test_one_cycle_climbs_then_falls_in_straight_lines():
    from nnkit.schedules import OneCycle
    s = OneCycle(0.01, warmup=0.25, start=0.1, end=0.02)
    assert s(0) == pytest.approx(0.001) and s(0.25) == pytest.approx(0.01) and s(1) == pytest.approx(0.0002)
    assert s(0.125) == pytest.approx(0.0055)                              # half-way up
    assert s(0.625) == pytest.approx((0.01 + 0.0002) / 2)                 # half-way down
    lrs = [s(k / 100) for k in range(101)]
    assert lrs[:26] == sorted(lrs[:26]) and lrs[25:] == sorted(lrs[25:], reverse=True)
    assert OneCycle(0.01, warmup=0)(0) == pytest.approx(0.01)
    for bad in (dict(warmup=1), dict(start=-0.1), dict(end=1.5)):
        with pytest.raises(ValueError, match="For example OneCycle"):
            OneCycle(0.01, **bad)
    with pytest.raises(TypeError, match="a number from 0 to 1"):
        OneCycle(0.01, end="0")
    with pytest.raises(ValueError, match="peak_lr"):
        OneCycle(-1)


def test_minibatches_cover_every_example_once():
    X = np.arange(23.0).reshape(23, 1)
    y = np.arange(23)
    seen = np.concatenate([yb for _, yb in nnkit.minibatches(X, y, 5, seed=1)])
    assert sorted(seen) == list(range(23)) and list(seen) != list(range(23))
    sizes = [len(b) for b, _ in nnkit.minibatches(X, y, 5)]
    assert sizes == [5, 5, 5, 5, 3]


def test_accuracy_and_confusion_matrix():
    y = np.array([0, 1, 2, 2, 1])
    pred = np.array([0, 2, 2, 2, 1])
    assert nnkit.accuracy(pred, y) == pytest.approx(0.8)
    scores = np.eye(3)[pred] * 5.0
    assert nnkit.accuracy(scores, y) == pytest.approx(0.8)
    cm = nnkit.confusion_matrix(y, pred, 3)
    assert cm.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 2]]
    assert cm.sum() == len(y)


def test_one_epoch_matches_numpy_and_pytorch_runs_of_the_same_model():
    """The benchmark's three trainers start from the same weights and see the same batches: after an
    epoch on 3,000 MNIST images their weights agree (float32 rounding apart)."""
    from coursetools import bench
    Xtr, ytr, _, _ = nnkit.load_mnist(flatten=True)
    X, y = Xtr[:3000] / np.float32(255), ytr[:3000]       # as normalize=True scales them, for these 3,000 only
    ours = bench._NnkitRunner(0, 1e-3)
    runners = [bench._NumpyRunner(0, 1e-3, ours.init), bench._FusedNumpyRunner(0, 1e-3, ours.init)]
    try:
        import torch  # noqa: F401
        runners.append(bench._TorchRunner(0, 1e-3, ours.init))
    except ImportError:
        pass
    for r in [ours, *runners]:
        r.epoch(X, y, seed=5, batch_size=100)
    W_ours = ours.model.params["W3"]
    assert not np.allclose(W_ours, ours.init[2][0])          # it did train
    for r in runners:
        W = r.model[4].weight.detach().numpy().T if r.name == "torch" else r.p["W3"]
        assert np.allclose(W_ours, W, atol=2e-4), r.name


def test_plot_history_draws_train_and_validation_curves():
    """plot_history draws what train recorded: the training curve and, dashed, the validation curve named
    as train names it (X_val, val_loss), in both panels, with those names in the legends."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 4)); y = (X[:, 0] > 0).astype(int)
    model = nnkit.mlp([4, 8, 2], seed=0)
    h = nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.Adam(0.01), X[:90], y[:90], epochs=3, batch_size=30,
                    X_val=X[90:], y_val=y[90:], progress=False)
    fig = nnkit.plotting.plot_history(h)
    cols = h.as_dict()
    for ax, key in zip(fig.axes, ("loss", "accuracy")):
        lines = ax.get_lines()
        assert [ln.get_label() for ln in lines] == ["train", "validation"]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
        assert np.allclose(lines[0].get_ydata(), cols[key]) and np.allclose(lines[1].get_ydata(), cols["val_" + key])
        assert lines[1].get_linestyle() == "--"
    plt.close(fig)
    # without a validation set there is one curve per panel
    h2 = nnkit.train(model, nnkit.SoftmaxCrossEntropy(), nnkit.Adam(0.01), X, y, epochs=2, batch_size=30, progress=False)
    fig = nnkit.plotting.plot_history(h2)
    assert [[ln.get_label() for ln in ax.get_lines()] for ax in fig.axes] == [["train"], ["train"]]
    plt.close(fig)


def test_bench_spreads_a_schedule_over_the_whole_run_and_times_the_way_to_the_goal():
    """bench trains one epoch per train() call: a schedule must still run once from 0 to 1 over all epochs,
    not restart each epoch. The time to the goal is the training time up to the first epoch that reaches it."""
    from coursetools import bench
    Xtr, ytr, _, _ = nnkit.load_mnist(flatten=True, normalize=True)
    asked = []

    def schedule(progress):
        asked.append(progress)
        return 1e-3
    runner = bench._NnkitRunner(0, 1e-3, schedule=schedule, epochs=2, sizes=(784, 16, 10))
    order = np.random.default_rng(3)                   # as run() passes it for --fast: one generator for the run
    for _ in range(2):
        runner.epoch(Xtr[:1000], ytr[:1000], order, 100)
    assert asked == pytest.approx([k / 20 for k in range(20)])
    # ... which trains exactly as one nnkit.train call of two epochs (lesson 6's fast run)
    same = nnkit.mlp([784, 16, 10], seed=0, dtype=np.float32)
    nnkit.train(same, nnkit.SoftmaxCrossEntropy(), nnkit.Adam(1e-3), Xtr[:1000], ytr[:1000], epochs=2, batch_size=100,
                seed=3, progress=False)
    assert np.array_equal(_flat(same), _flat(runner.model))
    assert bench.time_to_goal([0.97, 0.981, 0.979, 0.985], [0.5, 0.4, 0.3, 0.2]) == (2, pytest.approx(0.9))
    assert bench.time_to_goal([0.97, 0.975], [0.5, 0.4]) == (None, None)
    assert bench.time_to_goal([0.98], [0.25]) == (1, 0.25)                 # "at 98 %" includes 98.00 %
    with pytest.raises(ValueError, match="time the fast recipe alone"):
        bench.run(compare_numpy=True, log=lambda text: None, **bench.FAST)


def test_bench_fast_runs_lesson_6s_fast_recipe(capsys):
    """``python -m coursetools bench --fast`` (here one epoch of it): 784-128-10, batches of 200, OneCycle with
    peak 0.01 over the run, no shifted copies, and the time to 98 % as time_to_goal counts it."""
    import json
    from coursetools import bench
    assert bench.main(["--fast", "--epochs", "1", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["model"].startswith("784-128-10 ReLU") and res["batch_size"] == 200 and res["epochs"] == 1
    assert res["schedule"] == "OneCycle(peak_lr=0.01, warmup=0.2, start=0.1, end=0)" and res["augmentation"] is None
    assert 0.9 < res["test_accuracy"] <= 1.0
    assert (res["first_epoch_at_98"], res["seconds_to_98"]) == bench.time_to_goal(res["test_accuracy_per_epoch"],
                                                                                   res["epoch_seconds"])
