from lapor_cli.cli import run

run()
