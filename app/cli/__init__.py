"""The `sidefx` command: db upgrade|downgrade, seed, import sider|rxnorm|atc|hpo|meddra,
export, serve, mcp. Each command lives in a module of its own (database, seed, sider,
terminology, export, serve, mcp_stdio; what they share: common); here they are put in one
tree, in the order `sidefx --help` lists them."""

import typer

from app.cli import database, export, mcp_stdio, seed, serve, sider, terminology

cli = typer.Typer(help="sidefx: drug side effects in context.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
import_cli = typer.Typer(help="Import third-party datasets.", no_args_is_help=True)
cli.add_typer(import_cli, name="import")

db_cli.command("upgrade")(database.db_upgrade)
db_cli.command("downgrade")(database.db_downgrade)
import_cli.command("atc")(terminology.import_atc_command)
import_cli.command("hpo")(terminology.import_hpo_command)
import_cli.command("meddra")(terminology.import_meddra_command)
import_cli.command("rxnorm")(terminology.import_rxnorm_command)
import_cli.command("sider")(sider.import_sider_command)
cli.command()(seed.seed)
cli.command("export")(export.export_command)
cli.command()(serve.serve)
cli.command("mcp")(mcp_stdio.mcp_command)


def main() -> None:
    cli()
