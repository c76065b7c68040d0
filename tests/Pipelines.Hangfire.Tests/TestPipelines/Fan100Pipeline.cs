using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>One task fans out to 100, which fan in to one: the join must run exactly once, after all 100.</summary>
[Pipeline("fan_100")]
public sealed partial class Fan100(SideEffects effects)
{
    [PipelineTask] public int Start(RunContext run) { effects.Record(run); return 7; }
    [PipelineTask] public int W000([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 0; }
    [PipelineTask] public int W001([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 1; }
    [PipelineTask] public int W002([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 2; }
    [PipelineTask] public int W003([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 3; }
    [PipelineTask] public int W004([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 4; }
    [PipelineTask] public int W005([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 5; }
    [PipelineTask] public int W006([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 6; }
    [PipelineTask] public int W007([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 7; }
    [PipelineTask] public int W008([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 8; }
    [PipelineTask] public int W009([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 9; }
    [PipelineTask] public int W010([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 10; }
    [PipelineTask] public int W011([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 11; }
    [PipelineTask] public int W012([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 12; }
    [PipelineTask] public int W013([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 13; }
    [PipelineTask] public int W014([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 14; }
    [PipelineTask] public int W015([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 15; }
    [PipelineTask] public int W016([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 16; }
    [PipelineTask] public int W017([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 17; }
    [PipelineTask] public int W018([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 18; }
    [PipelineTask] public int W019([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 19; }
    [PipelineTask] public int W020([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 20; }
    [PipelineTask] public int W021([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 21; }
    [PipelineTask] public int W022([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 22; }
    [PipelineTask] public int W023([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 23; }
    [PipelineTask] public int W024([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 24; }
    [PipelineTask] public int W025([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 25; }
    [PipelineTask] public int W026([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 26; }
    [PipelineTask] public int W027([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 27; }
    [PipelineTask] public int W028([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 28; }
    [PipelineTask] public int W029([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 29; }
    [PipelineTask] public int W030([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 30; }
    [PipelineTask] public int W031([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 31; }
    [PipelineTask] public int W032([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 32; }
    [PipelineTask] public int W033([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 33; }
    [PipelineTask] public int W034([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 34; }
    [PipelineTask] public int W035([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 35; }
    [PipelineTask] public int W036([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 36; }
    [PipelineTask] public int W037([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 37; }
    [PipelineTask] public int W038([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 38; }
    [PipelineTask] public int W039([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 39; }
    [PipelineTask] public int W040([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 40; }
    [PipelineTask] public int W041([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 41; }
    [PipelineTask] public int W042([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 42; }
    [PipelineTask] public int W043([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 43; }
    [PipelineTask] public int W044([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 44; }
    [PipelineTask] public int W045([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 45; }
    [PipelineTask] public int W046([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 46; }
    [PipelineTask] public int W047([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 47; }
    [PipelineTask] public int W048([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 48; }
    [PipelineTask] public int W049([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 49; }
    [PipelineTask] public int W050([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 50; }
    [PipelineTask] public int W051([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 51; }
    [PipelineTask] public int W052([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 52; }
    [PipelineTask] public int W053([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 53; }
    [PipelineTask] public int W054([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 54; }
    [PipelineTask] public int W055([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 55; }
    [PipelineTask] public int W056([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 56; }
    [PipelineTask] public int W057([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 57; }
    [PipelineTask] public int W058([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 58; }
    [PipelineTask] public int W059([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 59; }
    [PipelineTask] public int W060([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 60; }
    [PipelineTask] public int W061([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 61; }
    [PipelineTask] public int W062([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 62; }
    [PipelineTask] public int W063([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 63; }
    [PipelineTask] public int W064([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 64; }
    [PipelineTask] public int W065([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 65; }
    [PipelineTask] public int W066([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 66; }
    [PipelineTask] public int W067([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 67; }
    [PipelineTask] public int W068([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 68; }
    [PipelineTask] public int W069([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 69; }
    [PipelineTask] public int W070([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 70; }
    [PipelineTask] public int W071([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 71; }
    [PipelineTask] public int W072([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 72; }
    [PipelineTask] public int W073([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 73; }
    [PipelineTask] public int W074([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 74; }
    [PipelineTask] public int W075([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 75; }
    [PipelineTask] public int W076([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 76; }
    [PipelineTask] public int W077([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 77; }
    [PipelineTask] public int W078([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 78; }
    [PipelineTask] public int W079([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 79; }
    [PipelineTask] public int W080([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 80; }
    [PipelineTask] public int W081([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 81; }
    [PipelineTask] public int W082([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 82; }
    [PipelineTask] public int W083([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 83; }
    [PipelineTask] public int W084([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 84; }
    [PipelineTask] public int W085([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 85; }
    [PipelineTask] public int W086([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 86; }
    [PipelineTask] public int W087([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 87; }
    [PipelineTask] public int W088([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 88; }
    [PipelineTask] public int W089([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 89; }
    [PipelineTask] public int W090([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 90; }
    [PipelineTask] public int W091([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 91; }
    [PipelineTask] public int W092([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 92; }
    [PipelineTask] public int W093([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 93; }
    [PipelineTask] public int W094([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 94; }
    [PipelineTask] public int W095([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 95; }
    [PipelineTask] public int W096([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 96; }
    [PipelineTask] public int W097([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 97; }
    [PipelineTask] public int W098([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 98; }
    [PipelineTask] public int W099([FromTask(nameof(Start))] int seed, RunContext run) { effects.Record(run); return seed + 99; }
    [PipelineTask, DependsOn(nameof(W000), nameof(W001), nameof(W002), nameof(W003), nameof(W004), nameof(W005), nameof(W006), nameof(W007), nameof(W008), nameof(W009), nameof(W010), nameof(W011), nameof(W012), nameof(W013), nameof(W014), nameof(W015), nameof(W016), nameof(W017), nameof(W018), nameof(W019), nameof(W020), nameof(W021), nameof(W022), nameof(W023), nameof(W024), nameof(W025), nameof(W026), nameof(W027), nameof(W028), nameof(W029), nameof(W030), nameof(W031), nameof(W032), nameof(W033), nameof(W034), nameof(W035), nameof(W036), nameof(W037), nameof(W038), nameof(W039), nameof(W040), nameof(W041), nameof(W042), nameof(W043), nameof(W044), nameof(W045), nameof(W046), nameof(W047), nameof(W048), nameof(W049), nameof(W050), nameof(W051), nameof(W052), nameof(W053), nameof(W054), nameof(W055), nameof(W056), nameof(W057), nameof(W058), nameof(W059), nameof(W060), nameof(W061), nameof(W062), nameof(W063), nameof(W064), nameof(W065), nameof(W066), nameof(W067), nameof(W068), nameof(W069), nameof(W070), nameof(W071), nameof(W072), nameof(W073), nameof(W074), nameof(W075), nameof(W076), nameof(W077), nameof(W078), nameof(W079), nameof(W080), nameof(W081), nameof(W082), nameof(W083), nameof(W084), nameof(W085), nameof(W086), nameof(W087), nameof(W088), nameof(W089), nameof(W090), nameof(W091), nameof(W092), nameof(W093), nameof(W094), nameof(W095), nameof(W096), nameof(W097), nameof(W098), nameof(W099))] public void Join(RunContext run) => effects.Record(run);
}
