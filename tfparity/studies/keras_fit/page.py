"""docs/keras_fit.md: the notes, then each example's fit stage against its TF1 Session twin."""
from tfparity.core.machine import describe
from tfparity.render.pages import GENERATED, table
from tfparity.studies.keras_fit import EXAMPLES, OPTIMIZERS

MODELS = {"regression": "`Sequential([Input((1,)), Scale()])`: one weight A",
          "mlp": "`Sequential` of two `TF1Dense` (sigmoid, then logits)",
          "convnet": "`Conv2D` + `MaxPooling2D` twice, `Flatten`, `TF1Dense` (ReLU), `Multiply` by the shared "
                     "dropout mask (a second input), `TF1Dense` (logits)"}


def page(record, notes):
    here, strict = record[EXAMPLES[0]], record[f"{EXAMPLES[0]}_strict"]
    rows = []
    for example in EXAMPLES:
        result, off = record[example], record[f"{example}_strict"]
        rule, namesake = OPTIMIZERS[example]
        rows.append([f"[{example}]({example}.md)", MODELS[example], f"`keras_optimizers.wrap(optimizers.{rule}(...))`",
                     result["tf1"]["steps"], result["tf1"]["verdict"], off["tf1"]["verdict"]])
        rows.append(["", "the same", f"`keras.optimizers.{namesake}` (the namesake)", result["keras"]["steps"],
                     result["keras"]["verdict"], off["keras"]["verdict"]])
    return "\n\n".join([notes.strip(), GENERATED,
                        "## Each example's `fit` stage against its TF1 Session twin",
                        "Every field the twins record, at every step (the loss, each epoch's test accuracy, "
                        "the final weights; the regression: A and the loss after every step), on a short run "
                        "of each example; the full runs are on the examples' pages. `jit_compile` is left at "
                        "\"auto\" (False on a CPU-only machine). A bound applies only for its cause, as "
                        "declared for the example's `tf2_keras` mode; the namesake rows allow none.",
                        table(["example", "Keras model", "optimizer", "steps", f"on {describe(here['machine'])}",
                               f"on {describe(strict['machine'])}, strict"], rows)]) + "\n"
