"""People in real situations, one per criterion of the guideline, and the answers they give.

Written from the situation first: each answer is chosen because it is TRUE for
the situation (the comment says why), never to steer the wizard. The expected
result is what the guideline says for that situation. tests/test_personas.py
walks them through the engine; tests/test_wizard_browser.py walks a sample
through the real page.

Each answer is (question id, option id): the test checks that the wizard asks
exactly that question at that point, so a persona also proves that nobody is
asked something that does not apply to them.

Where two answers are close (saved records appear in both consultancies), a
persona also says how a new analyst tells them apart by the labels alone:
`reads` holds, for an answer, the words of its label that are true for the
situation, and `rejects` the words of the neighbouring label that are false
for it. tests/test_personas.py checks that the labels still say so.
"""

from __future__ import annotations

from dataclasses import dataclass

MODULO_TERMO = {
    "cliente-final": "modulo-termo-cliente-final",
    "totvs": "modulo-termo-totvs",
    "ams": "modulo-termo-ams",
}


@dataclass(frozen=True)
class Persona:
    name: str
    situation: str
    answers: tuple[tuple[str, str], ...]
    mode: str
    criteria: tuple[str, ...]  # the criteria the outcome must cite (it may cite more)
    macro: str | None  # the Termo (or None in Suporte Padrão)
    outcome: str | None = None  # the outcome, when the mode alone does not say it
    reads: tuple[tuple[str, str, str], ...] = ()  # (question, option, words of its label true for the situation)
    rejects: tuple[tuple[str, str, str], ...] = ()  # (question, option, words of its label false for the situation)


PERSONAS = (
    # -- Suporte Padrão ------------------------------------------------------------
    Persona(
        "duvida-pontual",
        "O cliente pergunta como configurar o parâmetro que permite estoque negativo. Não há erro nenhum.",
        (("q-situacao", "duvida"),),  # a one-off question, nothing to analyse
        "suporte-padrao", ("sp-duvida-pontual",), None,
    ),
    Persona(
        "inconsistencia-de-produto",
        "O ICMS da nota de saída sai errado. O ambiente do cliente está atualizado, os parâmetros foram conferidos "
        "com ele, e o Suporte reproduz o mesmo erro na base padrão atualizada.",
        (
            ("q-situacao", "ocorrencia"),  # an error in a routine in use; none of the special situations
            ("q-atualizacoes", "sim"),  # the environment is updated
            ("q-parametros", "sim"),  # the parameters were checked with the client
            ("q-simulacao", "reproduz"),  # the Suporte reproduces it in the standard environment
        ),
        "suporte-padrao", ("sp-inconsistencia-produto",), None,
    ),
    Persona(
        "ambiente-desatualizado-atualizavel",
        "O relatório de comissões sai em branco. O Suporte confere as atualizações: o ambiente do cliente está "
        "algumas releases atrás, e ele pode atualizar (há pacote para a release dele).",
        (
            ("q-situacao", "ocorrencia"),  # an error in a routine in use
            ("q-atualizacoes", "nao"),  # checked: outdated, and the client can update it
        ),
        "suporte-padrao", (), None, outcome="out-sp-desatualizado",
    ),
    # -- Consultoria do Módulo -----------------------------------------------------------
    Persona(
        "ocorrencia-isolada",
        "O encerramento do período do ativo fixo falha. Ambiente atualizado, parâmetros validados; o Suporte simulou "
        "na base padrão atualizada e não reproduz; a origem do problema não foi identificada. Quem abriu é o próprio cliente.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "nao-reproduz"),  # not reproduced; happens only at the client; origin unknown
            ("q-publico-modulo", "cliente-final"),  # the client opened the ticket
        ),
        "consultoria-modulo", ("modulo-ocorrencia-isolada", "modulo-analise-pontual"), MODULO_TERMO["cliente-final"],
    ),
    Persona(
        "consultor-nao-simula",
        "Um consultor de Unidade Franqueada atende o cliente: um cálculo da folha diverge só no cliente; na base local "
        "do consultor não acontece. Ambiente do cliente atualizado, parâmetros validados.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "consultor-nao-simula"),  # the consultant does not reproduce it locally
            ("q-publico-consultor", "totvs"),  # a franchise-unit consultant requests it (a cliente final is not offered)
        ),
        "consultoria-modulo", ("modulo-consultor-nao-simula",), MODULO_TERMO["totvs"],
    ),
    Persona(
        "cadastro-gravado",
        "Um consultor AMS relata que a inclusão de pedido de venda dá erro só com o TES 501, já gravado; com um TES "
        "novo, não. O Suporte analisou o cadastro e não achou o que ele tem de particular.",
        (
            ("q-situacao", "ocorrencia"),  # an error in a routine in use; he wants it fixed, not a mapping study
            ("q-atualizacoes", "sim"),  # the Suporte analysed it: the environment is updated…
            ("q-parametros", "sim"),  # …and the parameters were validated
            ("q-simulacao", "registros-gravados"),  # with a new record it does not happen, only with TES 501
            ("q-registros", "inconsistencia"),  # a possible inconsistency with that record; the Suporte found nothing
            ("q-publico-modulo", "ams"),  # an AMS consultant requests it
        ),
        "consultoria-modulo", ("modulo-cadastro-gravado",), MODULO_TERMO["ams"],
    ),
    Persona(
        "consultor-ams-nao-simula",
        "Um consultor AMS atende um distribuidor: a apuração de um imposto diverge só no cliente; na base local do "
        "consultor, com os mesmos parâmetros, não acontece. Ambiente do cliente atualizado, parâmetros validados.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "consultor-nao-simula"),  # he tried in his local environment and it did not happen
            ("q-publico-consultor", "ams"),  # the AMS consultor requests it
        ),
        "consultoria-modulo", ("modulo-consultor-nao-simula",), MODULO_TERMO["ams"],
    ),
    Persona(
        "apendar-tabelas",
        "O Suporte executou o processo informado na base padrão e só reproduziu o erro depois de apendar as tabelas "
        "do cliente. Ambiente atualizado, parâmetros validados.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "apendar"),  # reproduced only with the client's tables appended
            ("q-publico-modulo", "cliente-final"),
        ),
        "consultoria-modulo", ("modulo-apendar-tabelas",), MODULO_TERMO["cliente-final"],
    ),
    Persona(
        "dicionario-alterado",
        "Com o Dicionário de Dados padrão do Portal o erro some, mas o cliente tem muitas customizações, não sabe qual "
        "delas causa o problema e não pode trabalhar com o dicionário padrão.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "dicionario"),  # does not happen with the standard dictionary; the client cannot use it
            ("q-publico-modulo", "cliente-final"),
        ),
        "consultoria-modulo", ("modulo-dicionario-alterado",), MODULO_TERMO["cliente-final"],
    ),
    Persona(
        "erro-intermitente",
        "Um erro aparece de vez em quando na baixa de títulos; não se consegue reproduzir sob demanda e será preciso "
        "pôr conouts nas rotinas para achar a origem.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "intermitente"),  # intermittent: conouts are needed
            ("q-publico-modulo", "cliente-final"),
        ),
        "consultoria-modulo", ("modulo-erro-intermitente",), MODULO_TERMO["cliente-final"],
    ),
    Persona(
        "cliente-confirma",
        "O Suporte ainda não simulou. O cliente diz que fez os procedimentos que o Suporte indicou, validou os itens da "
        "documentação e testou numa base atualizada e padrão, com os dicionários padrão, onde o erro não acontece; "
        "na base de produção dele, o problema continua.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),  # he tested on an updated base: the environment is updated
            ("q-parametros", "sim"),
            ("q-simulacao", "nao-simulada"),  # the Suporte itself has not simulated it yet
            ("q-confirmacoes", "nao-se-repete"),  # he confirms the three; on the standard base it does not happen
            ("q-publico-modulo", "cliente-final"),
        ),
        "consultoria-modulo",
        ("modulo-confirma-procedimentos", "modulo-confirma-documentacao", "modulo-confirma-reproducao"),
        MODULO_TERMO["cliente-final"],
    ),
    Persona(
        "cliente-reproduz-no-padrao",
        "O Suporte ainda não simulou. O cliente fez os procedimentos indicados, validou a documentação e testou numa "
        "base atualizada e padrão: o mesmo erro acontece lá.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "nao-simulada"),
            ("q-confirmacoes", "se-repete"),  # it happens in the standard environment too: a possible product inconsistency
        ),
        "suporte-padrao", ("sp-inconsistencia-produto",), None,
    ),
    Persona(
        "consultor-sem-ambiente-local",
        "Um consultor de Projeto atende o cliente, mas não tem uma base local da release dele e não conseguiu "
        "simular; o Suporte também ainda não simulou. O cliente validou os itens da documentação, mas ainda não "
        "executou o procedimento que o Suporte indicou.",
        (
            ("q-situacao", "ocorrencia"),
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "nao-simulada"),  # nobody simulated: neither the Suporte nor the consultant could
            ("q-confirmacoes", "nao"),  # the procedure the Suporte indicated was not run yet
        ),
        "suporte-padrao", (), None, outcome="out-sp-simulacao",
        reads=(("q-simulacao", "nao-simulada", "nem o consultor que atende o cliente"),),
        rejects=(("q-simulacao", "consultor-nao-simula", "tentou simular"),),
    ),
    # -- Consultoria Telefônica ----------------------------------------------------------
    Persona(
        "emergencia",
        "É o fim do mês e o faturamento do cliente está parado. Os parâmetros já foram validados, mas ele não pode "
        "aguardar o prazo de atendimento do Suporte Padrão.",
        (
            ("q-situacao", "emergencia"),  # an emergency comes first, whatever else is true
            ("q-publico-telefonica", "cliente-final"),
        ),
        "consultoria-telefonica", ("telefonica-emergencial",), "telefonica-termo",
    ),
    Persona(
        "sem-equipe-ti",
        "Um cliente pequeno, sem TI: o Suporte indicou rodar o compatibilizador, ninguém lá sabe fazer isso e ele pede "
        "que alguém acesse a máquina e faça junto.",
        (
            ("q-situacao", "sem-equipe-ti"),  # no IT team to perform the procedures; remote access needed
            ("q-publico-telefonica", "cliente-final"),
        ),
        "consultoria-telefonica", ("telefonica-sem-equipe-ti",), "telefonica-termo",
    ),
    Persona(
        "funcionalidade-nao-implantada",
        "O cliente quer começar a usar a gestão de contratos, que nunca foi implantada nele, e pede ajuda para configurá-la.",
        (
            ("q-situacao", "funcionalidade"),  # a feature never homologated nor implanted for him
            ("q-publico-telefonica", "cliente-final"),
        ),
        "consultoria-telefonica", ("telefonica-funcionalidade-nao-implantada",), "telefonica-termo",
        reads=(("q-situacao", "funcionalidade", "pede atendimento (não só uma orientação)"),),
        rejects=(("q-situacao", "duvida", "dúvida pontual"),),
    ),
    Persona(
        "duvida-sobre-funcionalidade-nunca-implantada",
        "Uma cliente de varejo pergunta só se o módulo de gestão de contratos, que ela nunca implantou, calcula "
        "reajuste por um índice de preços. Ela quer a resposta, não um atendimento para implantar o módulo.",
        (("q-situacao", "duvida"),),  # a one-off question, even though about a feature never implanted
        "suporte-padrao", ("sp-duvida-pontual",), None, outcome="out-sp-duvida",
        # the Telefônica option comes first in the list: its label must be false for her ("pick the first")
        reads=(("q-situacao", "duvida", "inclusive sobre uma funcionalidade nunca implantada"),),
        rejects=(("q-situacao", "funcionalidade", "não só uma orientação"),),
    ),
    Persona(
        "ambiente-desatualizado",
        "Um consultor AMS atende um cliente numa release antiga, que não tem como atualizar tudo agora; para o erro "
        "relatado não existe patch de correção específico.",
        (
            ("q-situacao", "ocorrencia"),  # an error in a routine in use
            ("q-atualizacoes", "sem-condicoes"),  # outdated, cannot update fully, no specific patch
            ("q-publico-telefonica", "ams"),
        ),
        "consultoria-telefonica", ("telefonica-ambiente-desatualizado",), "telefonica-termo",
    ),
    Persona(
        "registros-a-mapear",
        "O erro só acontece com notas antigas, já gravadas; com uma nota nova não acontece. O cliente quer entender o "
        "que essas notas têm de diferente.",
        (
            ("q-situacao", "mapear-registros"),  # he wants the saved records' particularities mapped
            ("q-publico-telefonica", "cliente-final"),
        ),
        "consultoria-telefonica", ("telefonica-registros-gravados",), "telefonica-termo",
        reads=(("q-situacao", "mapear-registros", "deseja mapear as particularidades de registros já gravados"),),
    ),
    Persona(
        "cliente-quer-mapear-registros",
        "Uma cliente final conta que os pedidos importados no ano passado se comportam de um jeito diferente dos "
        "novos; nada dá erro, mas ela quer saber o que esses registros gravados têm de particular antes de "
        "reprocessá-los.",
        (
            ("q-situacao", "mapear-registros"),  # she wants the saved records mapped, no error to fix
            ("q-publico-telefonica", "cliente-final"),
        ),
        "consultoria-telefonica", ("telefonica-registros-gravados",), "telefonica-termo",
        reads=(("q-situacao", "mapear-registros", "não pede a correção de um erro"),
               ("q-situacao", "mapear-registros", "deseja mapear")),
        rejects=(("q-situacao", "ocorrencia", "ocorrência a analisar"),),
    ),
    Persona(
        "cliente-erro-com-registro-gravado",
        "Um cliente final relata que a baixa de um título específico, já gravado, dá erro; com títulos novos, não. "
        "O ambiente está atualizado e os parâmetros foram validados; o Suporte analisou o cadastro do título e não "
        "achou o que ele tem de particular. O cliente quer o erro corrigido, não um mapeamento.",
        (
            ("q-situacao", "ocorrencia"),  # an error to analyse, even though only with a saved record
            ("q-atualizacoes", "sim"),
            ("q-parametros", "sim"),
            ("q-simulacao", "registros-gravados"),  # only with the saved record, never with a new one
            ("q-registros", "inconsistencia"),  # a possible inconsistency; the Suporte did not find the particularity
            ("q-publico-modulo", "cliente-final"),
        ),
        "consultoria-modulo", ("modulo-cadastro-gravado",), MODULO_TERMO["cliente-final"],
        reads=(("q-situacao", "ocorrencia", "ocorrência a analisar"),
               ("q-situacao", "ocorrencia", "só acontece com determinado registro já gravado")),
        rejects=(("q-situacao", "mapear-registros", "não pede a correção de um erro"),),
    ),
)
