"""docs/checkpoints.md: the notes, then each example's measured resume proof and its name map."""
from tfparity.core.machine import describe
from tfparity.render.pages import GENERATED, table

TITLES = {"mlp": "The MLP (plain SGD): saved by TF1, resumed by TF2",
          "convnet": "The convnet (Adam, with its slots): saved by TF1, resumed by TF2"}
HOW = {"tf2_eager": "TF2 eager", "tf2_function": "TF2, the step as a tf.function"}


def _role(row):
    if row.get("variable"):
        return f"{row['optimizer']} slot `{row['slot']}` of `{row['variable']}`"
    return f"{row['optimizer']} `{row['slot']}`, shared" if row.get("optimizer") else "a weight"


def proof(example, record):
    here, strict = record[example], record[f"{example}_strict"]
    settings, shapes = here["settings"], {row["name"]: row for row in here["inspect"]}
    mapping = table(["TF1 variable (Saver)", "shape", "what it is", "TF2 path (tf.train.Checkpoint)"],
                    [[f"`{name}`", str(shapes[name]["shape"]), _role(shapes[name]), f"`{path}`" if path else "left out"]
                     for name, path in here["map"].items()])
    verdicts = table(["resumed in", f"on {describe(here['machine'])}", f"on {describe(strict['machine'])}, strict"],
                     [[HOW[mode], here["verdicts"][mode], strict["verdicts"][mode]] for mode in here["verdicts"]])
    return [f"## {TITLES[example]}",
            f"The TF1 twin's graph trains {settings['saved_after']} of {settings['epochs']} epochs on the first "
            f"{settings['train_size']:,} images ({settings['steps_saved']:,} updates) and a `Saver` saves; "
            "`tfparity checkpoint convert --auto` writes the TF2 checkpoint; the TF2 twin restores it and "
            f"trains the other {settings['steps_resumed']:,} updates. Every loss after the save and the final "
            "weights, against the TF1 twin trained without interruption (a bound applies only for its cause, "
            "as on the example's page; strict: oneDNN and grappler's passes off, no bound):",
            verdicts, "The map `--auto` derived from the TF2 twin's objects, and what `tfparity checkpoint "
            "inspect` says of each variable:", mapping]


def keras_section(keras):
    """The MLP's checkpoint into a Keras 3 model, saved, and loaded in a fresh process."""
    rows = [[f"`{kind}`", f"{keras[kind]['same_predictions']:,} of {keras['test_images']:,}", keras[kind]["logits"]]
            for kind in ("keras", "weights.h5")]
    weights = ", ".join(f"`{name}` → `{path}`" for name, path in keras["map"].items())
    return ["## Into Keras 3, saved, and loaded again",
            "The MLP's TF1 checkpoint converted into a `keras.Sequential` of two standard `Dense` layers (the "
            f"map: {weights}, read off the model's weights in TF1's order), restored, then saved with "
            "`model.save` and `model.save_weights`; a fresh process loads each file and predicts the "
            "test images, against the TF1 Session's logits when it saved:",
            table(["saved as", "same predicted class", "logits"], rows)]


def saved_model_section(served):
    return ["## The convnet as a SavedModel",
            "The convnet resumed eagerly, exported with `tf.saved_model.save` and a `serving_default` "
            "signature (images → logits); a fresh process loads it with `tf.saved_model.load` and predicts "
            f"the test images: {served['same_predictions']:,} of {served['test_images']:,} predicted classes "
            "equal the TF1 Session's, trained without interruption."]


def page(record, notes):
    sections = [notes.strip(), GENERATED]
    for example in ("mlp", "convnet"):
        if example in record:
            sections += proof(example, record)
    if record.get("mlp", {}).get("keras"):
        sections += keras_section(record["mlp"]["keras"])
    if record.get("convnet", {}).get("saved_model"):
        sections += saved_model_section(record["convnet"]["saved_model"])
    return "\n\n".join(sections) + "\n"
