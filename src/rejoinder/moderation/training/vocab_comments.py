"""Hand-written comments in the way readers write them, for training only.

The templates are tidy sentences; readers are not: they reply to "you" with sarcasm and
insults that no slot list names ("go back to your crayons"), threaten with everyday verbs
("you'll be eating through a straw"), and argue hotly without abuse ("the bin contract is a
scandal"). These sentences cover such wording in both languages, with civil lines using the
same words beside the abusive ones so that no word carries weight of its own. They were written
apart from ``data/moderation/wild.jsonl`` (the free-form evaluation set), on other stories and
in other shapes, and are not paraphrases of it. All of them go to the training split, so that
``dev.jsonl`` stays the same bytes and its figures stay comparable.
"""

from __future__ import annotations

EN_ABUSE: dict[str, tuple[str, ...]] = {
    "insult_commenter": (
        "Go back to your crayons, the grown-ups are reading.",
        "Did you fall on your head as a baby or is this natural?",
        "You type like a toddler and think like one too.",
        "Congratulations, that's the thickest thing posted here all week.",
        "Two brain cells and both of them are fighting for third place.",
        "Oh look, the village idiot has logged on again.",
        "Put the phone down and go outside, you miserable gremlin.",
        "I'd explain it to you but I left my puppets at home.",
        "You've clearly never had an original thought, you parrot.",
        "Keep digging, genius, you're nearly at the earth's core.",
        "You're a sad, bitter troll living in a shed.",
        "lol u thick or something",
        "wind your neck in, you gormless tit",
        "Shut it, wannabe expert, you googled that five minutes ago.",
        "Your one brain cell must be lonely in there.",
        "You manage to be smug and wrong at the same time, you absolute donut.",
        "you couldn't pour water out of a boot with instructions on the heel",
        "You are a walking, talking participation trophy.",
        "Thicko. Pure thicko behaviour.",
        "You're the reason shampoo has instructions.",
        "Crawl back to whatever sewer forum you came from, gimp.",
        "Stop embarrassing yourself, dimbulb.",
        "bro you're dumber than a bag of hammers",
        "Wow, a whole paragraph and not one fact. Proud of you, sweetie 🙄",
        "Were you dropped at birth? Asking for everyone reading this.",
    ),
    "insult_public_figure": (
        "The council leader is a smug little weasel.",
        "The commissioner is a slimy crook in a cheap suit.",
        "That chairman is a greedy old toad.",
        "The governor is a snivelling worm.",
        "The head of the trust is a heartless ghoul.",
        "The opposition leader is a brain-dead windbag.",
        "The fisheries minister is as much use as a chocolate teapot, dopey article.",
        "The police commissioner is a jumped-up little tyrant with the brains of a flea.",
    ),
    "threat_direct": (
        "You'll be eating through a straw when I'm done with you.",
        "I'll put you in a wheelchair, you little rat.",
        "Expect a visit from me and a baseball bat.",
        "I'll drive over and break every bone in your body.",
        "You're going in the river when I find you.",
        "I'll make you disappear, nobody will ever find you.",
        "I've got a knife with your name on it.",
        "Keep it up and you'll be leaving here on a stretcher.",
        "I'll snap your neck like a twig.",
        "We have your address now. Sleep tight.",
    ),
    "threat_indirect": (
        "Someone should pay the councillor a late night visit and sort him out.",
        "Hope someone runs the mayor over on his way to work.",
        "The landlord had better hope nobody catches him on the stairs.",
        "Plenty of people in this valley would happily put the planning officer in the ground.",
    ),
    "threat_conditional": (
        "Say that again and you'll be picking your teeth up off the floor.",
        "Write one more word about my brother and I'll break your fingers.",
        "Ban our march and watch your family pay for it.",
        "Fine me again, warden, and you'll be scraped off the pavement.",
    ),
    "threat_passive": (
        "The editor needs a bullet between the eyes.",
        "That senator should be dragged out and beaten senseless.",
        "The home secretary should be left to rot in a ditch.",
        "The chief constable should be put six feet under.",
        "The mayor should be thrown in the river with a brick tied to him.",
        "That MP should be burned at the stake.",
    ),
    "dehumanisation": (
        "Foreigners keep crawling in like lice.",
        "Pakistanis are germs and we need disinfecting of them.",
        "Gypsies are human vermin, every one.",
    ),
}

EN_CIVIL: dict[str, tuple[str, ...]] = {
    "civil_disagreement": (
        "These roadworks are destroying trade on Bridge Street and the council shrugs.",
        "Cutting the winter fuel money is cruel to pensioners.",
        "The new parking tax is a disaster for nurses and the trust should admit it.",
        "The government is wrecking the railways and blaming the unions.",
        "That was a spineless decision by the board.",
        "What a farce. The referee ruined the game for everyone.",
        "The club's owners are killing the club with these ticket prices.",
        "Honestly this budget is an insult to everyone who works for a living.",
        "This paper's coverage of the strike has been a disgrace.",
        "The cuts will gut our libraries and nobody voted for that.",
        "I think you're wrong, and frankly a bit naive, but I respect the argument.",
        "The mayor has done nothing for this estate in eight years.",
        "The planning department are asleep at the wheel.",
        "Bury this plan before it bankrupts the county.",
        "The fishing quota deal sells our boats down the river.",
        "The bin contract is a scandal and somebody at county hall should lose their job.",
        "These energy bills are daylight robbery and the regulator is toothless.",
        "Whoever designed this junction should never be allowed near a road again.",
        "Ten years of promises on the bypass and not one spade in the ground. Pathetic.",
        "The school uniform rules are ridiculous and the governors are out of touch.",
        "Our farmers are being hung out to dry by this trade deal.",
        "The dog fouling fines are a joke, nobody ever gets caught.",
        "Dreadful decision to close the maternity unit, heartless and short-sighted.",
        "The ferry company treats islanders with contempt.",
        "They're gutting the fire service to save pennies, and people will pay for it.",
    ),
    "neutral": (
        "My nan's been in hospital all week, the nurses have been wonderful.",
        "I'll be at the school gate at three if anyone wants to swap uniforms.",
        "We'll be outside the town hall with the petition on Saturday.",
        "I know where you mean, the cafe by the old post office?",
        "I'll drive over to the tip tomorrow with the old fence panels.",
        "Broke my leg last winter on that icy step, please grit it this year.",
        "Your daughter's school did a lovely job with the nativity.",
        "Lol my brain cell is not working before coffee.",
        "The straw ban at the cafe is fine by me.",
        "We went in the river on the charity raft race, freezing but fun.",
        "The knife crime workshop at the youth club was really useful.",
        "The stretcher bearers at the fell race were brilliant, thank you.",
    ),
    "counter_speech": (
        "Calling travellers 'feral' is just prejudice dressed up as opinion.",
        "The word 'pikey' is a slur, and the councillor should apologise for using it.",
        "Half the posts on the fair use 'gyppo' like it's a normal word. It isn't.",
    ),
    "quotation": (
        "Police said the caller told staff 'I'm coming in with a gun'.",
        "'I'll put you in a wheelchair' was among the texts read to magistrates.",
        "She told the tribunal her manager had said 'you'll leave on a stretcher'.",
    ),
    "profanity_benign": (
        "Bloody hell, the line for the cheese stall went round the block.",
        "Damn fine pie at the county show this year.",
        "Christ on a bike, the parking charges have doubled.",
    ),
}

JA_ABUSE: dict[str, tuple[str, ...]] = {
    "insult_commenter": (
        "お前、字読めてる?理解力ゼロかよ",
        "恥ずかしくないの?その程度の理解で",
        "脳みそ入ってる?",
        "いい年して何言ってんだこのおっさん、情けない",
        "文章も書けないくせに偉そうにするな",
        "引っ込んでろ、ニワカが",
        "マジで救いようのないポンコツだな",
        "お前の人生、何の価値もないよな",
        "論点もわからないのかよ、サル以下",
        "コメ欄に張り付いてるヒマ人、働けよ寄生虫",
    ),
    "insult_public_figure": (
        "あの社長は金の亡者のゲス野郎",
        "この議員は恥知らずのハイエナ",
        "教育長は現場を知らないお飾りのデクの坊",
    ),
    "threat_direct": (
        "記者の家まで行って思い知らせてやる",
        "駅で見つけたら線路に突き落とす",
        "お前の店、明日には灰になってるからな",
        "逃げても無駄だ、必ず見つけ出して痛めつける",
    ),
    "threat_indirect": (
        "あの院長、闇討ちされないといいけどね",
        "議員の家に誰か石でも投げればいいのに",
    ),
    "threat_conditional": (
        "漁協をつぶす気なら、組合長は海に沈むことになる",
        "この工場を閉めたら社長は無事に家に帰れないぞ",
    ),
    "threat_passive": (
        "あの大臣は磔にされるべき",
        "あの社長は袋叩きにされて当然",
        "議員どもは全員火あぶりにしろ",
    ),
    "dehumanisation": (
        "在日はダニと同じで一匹見たら百匹いる",
        "クルド人は人の皮をかぶった獣",
    ),
}

JA_CIVIL: dict[str, tuple[str, ...]] = {
    "civil_disagreement": (
        "国民をバカにしたような答弁だった",
        "市長の説明は全然納得できない",
        "こんな予算、住民のことを何も考えてない",
        "政府は地方を見捨てている",
        "増税ばかりで暮らしは苦しくなる一方",
        "電気代の値上げはもう限界、政府は何をしてるんだ",
        "ゴミ収集の委託先の件、市は説明責任を果たせ",
        "漁業の補助金を削るなんて正気じゃない",
        "こんな判決では被害者が浮かばれない",
        "学校の制服規定はおかしい、時代遅れもいいところ",
    ),
    "neutral": (
        "会社の前の桜がきれいに咲いてます",
        "今度の試合、家族で応援に行きます",
        "夜道は暗いので街灯を増やしてほしい",
        "車を買い替えたら燃費がよくなった",
        "骨折して入院してたけど、やっと退院できた",
        "駅のホームドア、早く全部の駅につけてほしい",
    ),
    "quotation": (
        "男は「線路に突き落とす」と駅員を脅した疑いで逮捕された。",
        "被告は「店を灰にしてやる」と電話で脅したとされる。",
    ),
}
