from lapor_cli.cli import app

app(prog_name="lapor")
