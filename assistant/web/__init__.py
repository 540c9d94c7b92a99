"""The web doors: JSON API, server-sent-event streaming, the Gradio chat UI and the embeddable widget."""
