"""docs/checkpoints.md: the notes, then the measured resume proof and the name map."""
from tfparity.machine import describe
from tfparity.pages import GENERATED, table


def _role(row):
    if row.get("variable"):
        return f"{row['optimizer']} slot `{row['slot']}` of `{row['variable']}`"
    return f"{row['optimizer']} `{row['slot']}`, shared" if row.get("optimizer") else "a weight"


def page(record, notes):
    mlp, strict = record["mlp"], record["mlp_strict"]
    settings = mlp["settings"]
    shapes = {row["name"]: row for row in mlp["inspect"]}
    mapping = table(["TF1 variable (Saver)", "shape", "what it is", "TF2 path (tf.train.Checkpoint)"],
                    [[f"`{name}`", str(shapes[name]["shape"]), _role(shapes[name]), f"`{path}`" if path else "left out"]
                     for name, path in mlp["map"].items()])
    how = {"tf2_eager": "TF2 eager", "tf2_function": "TF2, the step as a tf.function"}
    proof = table(["resumed in", f"on {describe(mlp['machine'])}", f"on {describe(strict['machine'])}, strict"],
                  [[how[mode], mlp["verdicts"][mode], strict["verdicts"][mode]] for mode in mlp["verdicts"]])
    return "\n\n".join([
        notes.strip(), GENERATED,
        "## The MLP: saved by TF1, resumed by TF2",
        f"The TF1 twin's graph trains {settings['saved_after']} of {settings['epochs']} epochs on the first "
        f"{settings['train_size']:,} images ({settings['steps_saved']:,} updates) and a `Saver` saves; "
        "`tfparity checkpoint convert --auto` writes the TF2 checkpoint; the TF2 twin's module restores "
        f"it and trains the other {settings['steps_resumed']:,} updates. Every loss after the save and the "
        "final weights, against the TF1 twin trained without interruption:",
        proof,
        "The map `--auto` derived from the TF2 twin's module, and what `tfparity checkpoint inspect` "
        "says of each variable:",
        mapping, *keras_section(mlp["keras"])]) + "\n"


def keras_section(keras):
    """The same checkpoint into a Keras 3 model, saved, and loaded in a fresh process."""
    rows = [[f"`{kind}`", f"{keras[kind]['same_predictions']:,} of {keras['test_images']:,}", keras[kind]["logits"]]
            for kind in ("keras", "weights.h5")]
    weights = ", ".join(f"`{name}` → `{path}`" for name, path in keras["map"].items())
    return ["## Into Keras 3, saved, and loaded again",
            "The same TF1 checkpoint converted into a `keras.Sequential` of two standard `Dense` layers (the "
            f"map: {weights}, read off the model's weights in TF1's order), restored, then saved with "
            "`model.save` and `model.save_weights`; a fresh process loads each file and predicts the "
            "test images, against the TF1 Session's logits when it saved:",
            table(["saved as", "same predicted class", "logits"], rows)]
