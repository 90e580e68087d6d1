"""English words that carry no fact of their own: the matcher neither needs them explained by a
fact nor counts them as evidence. Kept apart from the knowledge base because they are about the
language, not the article."""

# Function words: they shape a question but never name what it is about.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing done down during each either else ever
every few for from further had has have having he her here hers him his how i if in into is it
its itself just me might more most much must my myself no nor not now of off on once only or
other our ours out over own per same shall she should so some such than that the their theirs
them then there these they this those through to too under until up upon us very was we were
what whats when where which while who whom whose why will with within without would yet you
your yours yourself hers thats theres whos dont doesnt didnt isnt wasnt arent werent cant wont
whats hows wheres whens many
""".split())

# Conversational padding: how people wrap a question in a chat, never what it asks.
# How the answer should look: padding, and never the subject even of a question made of padding.
FORM_WORDS = frozenset("""
quote quotes quoted quoting direct verbatim exact actual sentence sentences couple nutshell fill
brief
paragraph paragraphs bullet bullets
""".split())
FILLERS = frozenset("""
actually again ah anybody anyone anything article bot briefly btw buddy bro chat cheers
clarify could curious dear detail details do explain fact facts find folks friend give go
guess guy guys happen happened hear heard hello help hey hi hmm info information interested
just kind kinda know let like look lol look mate mean mention mentioned mentions me mind
news okay ok oh piece please pls plz possibly question quick quickly quite read reading real
really regard regarding report reported reporting reports said say saying says see show
something sorry speak story sure talk talked talking tell text thank thanks
thing things think thx told uh um want wanted was well wonder wondering word words would yeah
yes yo you
again already always basically being bit certain certainly come comes coming exactly
fine generally get gets getting go goes going gone got gotten guess hear honestly idea
kind literally lot lots maybe mentioned mostly my need often perhaps
pretty probably put puts rather recall recently remember roughly saw seem seems
seen simply so somehow someone sometimes somewhat stuff suppose supposed supposedly
tho though thought totally true try trying understand us use used wait way ways
whatever wondered wonder yeah anyway nah whether ive lately according claimed claims
stated apparently allegedly send provide gimme gonna wanna gotta list
remind check checking essay homework assignment rundown lowdown general state bibliography
accompanying attached
hes shes talkin sayin goin doin mainly primarily chiefly refer refers referring
forgot forget forgotten
theyve weve youve theyre youre theyd youd heres anywhere somewhere
""".split()) | FORM_WORDS

# Questions that ask for a figure: the fact that answers them must contain one.
QUANTITY_CUES = (
    ("how", "many"), ("how", "much"), ("what", "number"), ("number", "of"),
    ("what", "percentage"), ("what", "percent"), ("how", "big"), ("how", "large"),
    ("how", "long"), ("how", "far"), ("what", "amount"), ("what", "size"), ("how", "old"),
)

# Of those, the ones asking for a measure ("how long is the border"), which a count of
# things ("eight countries") does not give.
MEASURE_CUES = frozenset({("how", "long"), ("how", "far"), ("how", "big"), ("how", "large"),
                          ("how", "wide"), ("how", "tall"), ("how", "high"), ("how", "heavy")})
# Of those, the ones asking for a count of things ("how many ports").
COUNT_CUES = frozenset({("how", "many"), ("number", "of"), ("what", "number")})
# Words after a number that make it a measure, not a count of things.
UNITS = frozenset("""
percent yuan dollar dollars usd rmb euro euros kilometer kilometers kilometre kilometres km kms
km2 sqkm
square sq meter meters metre metres mile miles hectare hectares acre acres ton tons tonne tonnes kg
year years month months week weeks day days hour hours minute minutes time times
""".split())

NUMBER_WORDS = frozenset("""
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
hundred thousand million billion trillion half quarter twice double
""".split())
# Ranks, not amounts: "the second highest" answers "what rank", never "how many".
ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth".split())

# Places people ask about instead of the ones an article names. Unknown to the knowledge base,
# they mean "somewhere else" (decline), however the question is capitalised.
PLACES = frozenset("""
afghanistan africa albania algeria america american angola argentina armenia asia asian
australia austria azerbaijan bangladesh belarus belgium bhutan bolivia brazil britain british
bulgaria burma cambodia canada chile colombia congo croatia cuba czech denmark egypt england
ethiopia europe european finland france french gansu georgia germany german ghana greece
guangdong guangzhou hainan hebei henan hong hubei hunan hungary india indian indonesia iran
iraq ireland israel italy japan japanese jordan kenya korea korean kyrgyzstan kyrgyz laos
latvia lebanon libya lithuania macau malaysia mexico mongolia morocco moscow myanmar nepal
netherlands nigeria ningxia norway pakistani paris peru philippines poland portugal qatar
qinghai romania russia russian saudi scotland serbia shaanxi shandong shanghai shenzhen
sichuan singapore slovakia spain sweden switzerland syria taiwan thailand tianjin tibet
tokyo turkey turkmenistan uganda uk ukraine usa uzbekistan venezuela vietnam washington
yemen yunnan zhejiang beijing london berlin delhi seoul africa arabia eu pakistan kazakhstan
tajikistan mongolian russian kazakh uzbek tajik turkmen afghan
north south east west northwest northeast southwest southeast
""".split())

# Everyday synonyms, rewritten to their first word in questions and knowledge alike, so that a
# fact phrased one way answers a question phrased another. Only words that mean the same in
# any news question; domain aliases (FTZ, BRI, ...) belong in the knowledge base instead.
SYNONYMS = (
    # Chat spellings of function words: too short for the spelling corrector.
    ("when", "wen", "whn"),
    ("what", "wat", "wut", "wht", "wot"),
    ("how", "hw"),
    ("about", "abt", "bout", "the deal with", "the story with"),  # "what's the deal with X"
    ("you", "u", "ya"),
    ("are", "r"),
    ("your", "ur"),
    ("people", "ppl"),
    ("because", "cuz", "bc"),
    ("year", "yr"),
    ("years", "yrs"),
    ("big", "large", "huge", "vast", "sizable", "sizeable"),
    ("position", "his title", "her title", "job title"),  # not the article's title
    ("check", "double check", "double checking", "double checked", "doublecheck"),
    ("total", "combined", "altogether"),
    ("taken", "snapped"),  # a photo ("who shot the photo" took it: not "taken")
    ("usa", "united states of america", "united states"),
    ("start", "established", "establish", "set up", "get going", "got going",
     "begin", "began", "begun", "commence", "kick", "launch", "launched"),
    ("country", "nation"),
    ("countries", "nations", "states"),
    ("increase", "growth rate", "growth rates", "rate of growth", "rate of increase",
     "rise", "rose", "jump", "jumped", "climb", "climbed", "growth", "grow", "grew",
     "growing", "grows", "grown", "rising", "rises", "risen",
     "expand", "expanded", "surge", "surged", "soar", "soared",
     "went up", "gone up", "go up", "goes up", "going up"),
    ("city", "town"),
    ("cities", "towns"),
    ("foreign", "overseas", "international", "abroad"),
    ("foreigners", "outsiders"),
    ("official", "leader", "head", "chief"),
    ("goal", "aim", "purpose", "objective"),
    ("help", "assist", "aid", "boost"),
    ("percent", "percentage", "pct"),
    ("share", "proportion", "portion", "fraction"),
    ("railway", "railroad", "railways", "railroads", "rail", "train", "trains"),
    ("road", "roads", "highway", "highways", "motorway", "motorways"),
    ("photo", "picture", "image", "photograph", "pic", "pics", "photos", "pictures"),
    ("author", "writer", "journalist", "reporter", "correspondent", "journo"),
    ("authors", "writers", "journalists", "reporters", "correspondents", "journos"),
    ("newspaper", "paper", "outlet", "publication", "newspapers"),
    ("published", "pub", "released", "printed", "appeared", "appear", "appears",
     "posted", "put online", "went online",
     "go out", "went out", "come out", "came out"),
    # ... but who appears in a photo is shown in it (the longer phrase is read first).
    ("shown in the photo", "appears in the photo", "appear in the photo", "appears in the picture",
     "appear in the picture", "appears in the image", "appearing in the photo"),
    # A paper's interview, as readers put it.
    ("interview", "sit down with", "sat down with", "sitting down with"),
    ("sanctioned", "penalised", "penalized", "punished"),
    ("tourist", "tourists", "sightseer", "sightseers", "holidaymaker", "holidaymakers"),
    ("investor", "investors", "businessman", "businessmen", "businesspeople"),
    ("chairman", "chairperson"),
    ("lies", "falsehoods", "rumours", "rumors", "myths", "misinformation", "disinformation"),
    ("neighbours", "neighbors", "neighbouring", "neighboring", "adjacent", "bordering"),
    # Compounds that name one thing other than their words: "forced labour" is not a
    # matter of "forces", "state-run" not of a state's running, a "time zone" is no free
    # trade zone. Each is one word, which no fact has.
    ("forcedlabour", "forced labour", "forced labor", "forced labourers", "forced laborers"),
    ("staterun", "state run", "state owned", "state media", "state controlled",
     "government run", "government owned", "government controlled"),
    ("timezone", "time zone", "time zones"),
    ("tradewar", "trade war", "trade wars"),
    ("humanrightswatch", "human rights watch"),
    # The Party's secretary is another office than the region's chairman.
    ("partychief", "party chief", "party secretary", "party boss", "party leader",
     "party chiefs", "party secretaries"),
    ("humanrightscouncil", "human rights council", "un human rights council"),
    # Where someone works from is where they are ("based in Urumqi").
    ("in", "based in", "located in", "situated in", "stationed in"),
    # How short the answer should be, and where on the page: padding.
    ("briefly", "in a couple lines", "in a couple of lines", "in a few lines", "in two lines",
     "in one line", "in a sentence", "in a few words", "in short", "one line", "two line",
     "three line", "one sentence", "two sentence", "headline number", "headline figure",
     "bottom line", "in a word"),
    ("northwest", "nw"), ("area", "footprint"),
    ("above", "at the top", "up top"),
    ("start", "up and running", "operational", "in operation", "inaugurated", "inaugurate",
     "commenced", "commence", "kicked off", "kick off", "begin", "began", "begun"),
    # The words used, whatever part of speech ("what adjectives did he use"): padding.
    ("words", "adjectives", "adjective", "describing words"),
    # China's "two sessions" are the annual sessions of the NPC and the CPPCC.
    ("annual sessions", "two sessions", "lianghui"),
    ("encompasses", "takes in", "take in"),
    ("business", "biz"),
    ("agriculture", "agri", "agricultural"),
    ("tell", "please describe", "can you describe", "could you describe"),
    # The speed of a growth is its size: "how fast did trade grow" asks the figure.
    ("how much", "how fast", "how quickly", "how rapidly"),
    ("particular", "especially", "particularly"),
    ("congress", "parliament", "parliaments"),
    ("session", "meeting"), ("sessions", "meetings"),
    ("national", "nationally", "nationwide"),
    ("then", "at the time", "at that time"),
    ("website", "site", "web site", "webpage", "web page", "homepage"),
    # Padding around "the facts" ("give me the key facts"), not a "key decision".
    ("facts", "key facts", "main facts", "key points", "main points", "key takeaways",
     "main takeaways"),
    # Months as the article abbreviates them ("Dec 19, 2023").
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"),
    # Compass points, one form each: they are places (PLACES) a fact must name.
    ("north", "northern"), ("south", "southern"), ("east", "eastern", "eastward", "eastwards"),
    ("west", "western", "westward", "westwards"),
    ("northwest", "northwestern"), ("northeast", "northeastern"),
    ("southwest", "southwestern"), ("southeast", "southeastern"),
)

# Practical things a reader asks about (a visa, a price, the weather) that only a fact naming
# them answers: never a paraphrase of something else a fact says.
CONCRETE = frozenset("""visa visas permit permits incentive incentives tax taxes tariff tariffs
price prices cost costs fee fees hotel hotels weather climate population gdp ticket tickets
salary salaries wage wages cotton tomato tomatoes polysilicon coal steel textile
textiles garments""".split())

# People asked of by their office who are none of the article's people: "what did the mayor
# say" names someone no fact speaks of, as a name would ("governor", "boss", "leader" are
# how readers call the chairman, and are not here).
ROLES = frozenset("""mayor mayors minister ministers ambassador ambassadors spokesman spokesmen
spokesperson spokeswoman secretary president senator senators congressman ceo mufti imam
director directors editor editors manager curator partychief
""".split())

# A yes/no question with one of these asks the bot to judge a claim, which it never does: it
# reports what the article and the people in it say ("is it true", "is the situation good?").
JUDGEMENT_WORDS = frozenset("""
true false good bad fair unfair right wrong legit real fake accurate justified biased
propaganda honest trustworthy believable credible
""".split())
YES_NO_STARTS = frozenset("is are was were do does did can could should would".split())
