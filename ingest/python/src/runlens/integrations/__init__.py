"""Framework integrations: ``runlens.integrations.lightning.RunlensLogger`` (PyTorch Lightning)
and ``runlens.integrations.transformers.RunlensCallback`` (Hugging Face Trainer). Each module
imports its framework only when it is itself imported."""
