"""The framework's floor: a hello-world Typer command (issue 13 compares `client show` with it)."""

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    typer.echo(f"hello {name}")


if __name__ == "__main__":
    app()
